package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DynamoDbSettings;
import io.github.dysession.store.Operations;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

/**
 * Builds the {@link DynamoDbClient} dysession uses from its settings: region, endpoint override,
 * the SDK's default credentials chain, timeouts, retries, and the Apache 5 HTTP client.
 */
public final class DynamoDbClientFactory {

  private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_CONNECTIONS = 100;
  private static final int KEEP_ALIVE_SECONDS = 10;
  private static final Duration TIMEOUT_THREAD_KEEP_ALIVE = Duration.ofSeconds(KEEP_ALIVE_SECONDS);

  private DynamoDbClientFactory() {}

  /**
   * Returns a new client. The client owns its HTTP client; close the client when done.
   *
   * @param interceptors execution interceptors to add, for example to count calls
   */
  public static DynamoDbClient create(
      DynamoDbSettings settings, ExecutionInterceptor... interceptors) {
    // The HTTP client is chosen explicitly: with several on the class path the SDK picks one
    // silently.
    DynamoDbClientBuilder builder =
        DynamoDbClient.builder()
            .httpClientBuilder(
                Apache5HttpClient.builder()
                    .connectionTimeout(CONNECTION_TIMEOUT)
                    .socketTimeout(settings.apiCallAttemptTimeout())
                    .maxConnections(MAX_CONNECTIONS))
            .region(Region.of(settings.region()))
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .overrideConfiguration(overrides(settings, interceptors));
    if (settings.endpoint() != null) {
      builder.endpointOverride(settings.endpoint());
    }
    return builder.build();
  }

  /**
   * Returns a new client whose calls are reported to {@code operations} (for metrics). The client
   * owns its HTTP client; close the client when done.
   */
  public static DynamoDbClient create(DynamoDbSettings settings, Operations operations) {
    return create(settings, new ObservedCalls(operations));
  }

  /**
   * The executor of the SDK's call and attempt timeouts: one thread, started when a call schedules
   * its first timeout and ended {@value #KEEP_ALIVE_SECONDS} s after the last pending one (so an
   * undeployed application leaves none behind for long), with no context class loader and no
   * inherited thread-locals of the request thread that started it; a cancelled timeout leaves the
   * queue at once. The SDK's default executor (five threads, each cancelled timeout kept queued
   * until it would have fired) took 50 to 81 µs of an instance's CPU per request in the end-to-end
   * benchmark before this one replaced it.
   */
  static ScheduledThreadPoolExecutor timeoutExecutor() {
    return timeoutExecutor(TIMEOUT_THREAD_KEEP_ALIVE);
  }

  static ScheduledThreadPoolExecutor timeoutExecutor(Duration keepAlive) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(null, runnable, "dysession-sdk-timeouts", 0, false);
              thread.setContextClassLoader(null);
              thread.setDaemon(true);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    executor.setKeepAliveTime(keepAlive.toMillis(), TimeUnit.MILLISECONDS);
    executor.allowCoreThreadTimeOut(true);
    return executor;
  }

  private static ClientOverrideConfiguration overrides(
      DynamoDbSettings settings, ExecutionInterceptor... interceptors) {
    ClientOverrideConfiguration.Builder b =
        ClientOverrideConfiguration.builder()
            .scheduledExecutorService(timeoutExecutor())
            .apiCallTimeout(settings.apiCallTimeout())
            .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
            .retryStrategy(RetryMode.STANDARD);
    b.retryStrategy(rs -> rs.maxAttempts(settings.maxRetries() + 1));
    // One JDK Flight Recorder event per call (see DynamoDbCallEvent), where the JVM has JFR.
    try {
      JfrCallEvents.ifAvailable().ifPresent(b::addExecutionInterceptor);
    } catch (LinkageError e) {
      // A server whose module system hides jdk.jfr from applications: no events.
    }
    for (ExecutionInterceptor interceptor : interceptors) {
      b.addExecutionInterceptor(interceptor);
    }
    return b.build();
  }
}
