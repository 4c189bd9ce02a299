package io.github.dysession.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoDbClientFactoryTest {

  @Test
  void aCancelledTimeoutLeavesTheQueueAtOnce() {
    ScheduledThreadPoolExecutor timeouts = DynamoDbClientFactory.timeoutExecutor();
    try {
      List<ScheduledFuture<?>> pending = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        pending.add(timeouts.schedule(() -> {}, 60, TimeUnit.SECONDS));
      }
      assertThat(timeouts.getQueue()).hasSize(1000);
      pending.forEach(f -> f.cancel(false));
      assertThat(timeouts.getQueue()).isEmpty();
    } finally {
      timeouts.shutdownNow();
    }
  }

  @Test
  void aTimeoutFires_andTheIdleThreadEnds_andComesBackForTheNext() throws Exception {
    ScheduledThreadPoolExecutor timeouts =
        DynamoDbClientFactory.timeoutExecutor(Duration.ofMillis(50));
    try {
      CountDownLatch fired = new CountDownLatch(1);
      String[] thread = new String[1];
      ScheduledFuture<?> first =
          timeouts.schedule(
              () -> {
                thread[0] = Thread.currentThread().getName();
                fired.countDown();
              },
              10,
              TimeUnit.MILLISECONDS);
      assertThat(fired.await(5, TimeUnit.SECONDS)).isTrue();
      first.get(5, TimeUnit.SECONDS);
      assertThat(thread[0]).isEqualTo("dysession-sdk-timeouts");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (timeouts.getPoolSize() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(timeouts.getPoolSize()).as("threads once idle").isZero();

      CountDownLatch again = new CountDownLatch(1);
      ScheduledFuture<?> second = timeouts.schedule(again::countDown, 10, TimeUnit.MILLISECONDS);
      assertThat(again.await(5, TimeUnit.SECONDS)).isTrue();
      second.get(5, TimeUnit.SECONDS);
    } finally {
      timeouts.shutdownNow();
    }
  }

  @Test
  void theClientTimesItsCallsOnThatExecutor() throws Exception {
    // A loopback server that accepts and never answers: only a timeout ends the call.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    held.add(silent.accept());
                  }
                } catch (IOException e) {
                  // Closed.
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      DysessionSettings settings =
          DysessionSettings.from(
              SettingsSource.of(
                  Map.of(
                      "dysession.dynamodb-tablename", "sessions",
                      "dysession.dynamodb-region", "eu-west-1",
                      "dysession.dynamodb-endpoint", "http://127.0.0.1:" + silent.getLocalPort(),
                      "dysession.api-call-timeout-ms", "1500",
                      "dysession.api-call-attempt-timeout-ms", "300",
                      "dysession.max-retries", "0")));
      // Another test's timeout thread must be gone first, or it would answer for this client's.
      long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (timeoutThreadAlive() && System.nanoTime() < gone) {
        Thread.sleep(10);
      }
      assertThat(timeoutThreadAlive()).isFalse();
      String keyId = System.setProperty("aws.accessKeyId", "test");
      String secret = System.setProperty("aws.secretAccessKey", "test");
      try (DynamoDbClient client = DynamoDbClientFactory.create(settings.dynamoDb())) {
        long started = System.nanoTime();
        assertThatThrownBy(
                () ->
                    client.getItem(
                        b -> b.tableName("sessions").key(Map.of("id", AttributeValue.fromS("x")))))
            .isInstanceOf(SdkClientException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        assertThat(timeoutThreadAlive())
            .as("the attempt was timed by dysession's timeout thread")
            .isTrue();
      } finally {
        restore("aws.accessKeyId", keyId);
        restore("aws.secretAccessKey", secret);
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private static boolean timeoutThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("dysession-sdk-timeouts") && t.isAlive());
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
