package io.github.dysession.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynaliteExtension;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.PayaraMicro;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Payara Micro harness works: the test WAR (with dysession in WEB-INF/lib, pointed at dynalite)
 * deploys on real Payara Micro processes, each answers {@code /ping} with its own name, and none
 * listens beyond 127.0.0.1; a killed instance restarts on its port. Prints start-up time and RSS of
 * each instance.
 */
@ExtendWith(DynaliteExtension.class)
class PayaraSmokeIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void twoPayara6InstancesOnTheTestJdk(Dynalite dynalite) throws Exception {
    Path jdk = PayaraMicro.currentJavaHome();
    try (PayaraMicro a = start("a", PayaraMicro.Release.PAYARA_6, jdk, dynalite, "payara_smoke_6");
        PayaraMicro b = start("b", PayaraMicro.Release.PAYARA_6, jdk, dynalite, "payara_smoke_6")) {
      assertThat(get(a, "ping")).isEqualTo("pong a");
      assertThat(get(b, "ping")).isEqualTo("pong b");
      check(a);
      check(b);

      // kill -9 and restart: same port, fresh root directory, answers again.
      int port = b.port();
      Path firstRoot = b.rootDir();
      b.kill();
      assertThat(b.isRunning()).isFalse();
      b.restart();
      assertThat(b.port()).isEqualTo(port);
      assertThat(b.rootDir()).isNotEqualTo(firstRoot);
      assertThat(get(b, "ping")).isEqualTo("pong b");
      System.out.printf(
          Locale.ROOT,
          "[PayaraSmokeIT] b restarted after kill -9 in %.1f s%n",
          b.startupTime().toMillis() / 1000.0);
    }
  }

  @Test
  void payara7OnJdk25(Dynalite dynalite) throws Exception {
    Path jdk25 = PayaraMicro.jdk25Home();
    if (jdk25 == null) {
      String reason =
          "No JDK 25 at "
              + PayaraMicro.JDK25_HOME
              + ": Payara Micro 7.2025.1 is not tested on this machine";
      System.out.println("[PayaraSmokeIT] SKIPPED: " + reason);
      assumeTrue(false, reason);
    }
    try (PayaraMicro c =
        start("c", PayaraMicro.Release.PAYARA_7, jdk25, dynalite, "payara_smoke_7")) {
      assertThat(get(c, "ping")).isEqualTo("pong c");
      check(c);
    }
  }

  private static PayaraMicro start(
      String name, PayaraMicro.Release release, Path jdk, Dynalite dynalite, String table) {
    return PayaraMicro.builder(name)
        .release(release)
        .javaHome(jdk)
        .systemProperty("dysession.dynamodb-endpoint", dynalite.endpoint().toString())
        .systemProperty("dysession.dynamodb-tablename", table)
        .systemProperty("dysession.create-table", "true")
        .systemProperty("aws.accessKeyId", "test")
        .systemProperty("aws.secretAccessKey", "test")
        .start();
  }

  private static String get(PayaraMicro payara, String path)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(payara.uri(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", payara.uri(path)).isEqualTo(200);
    return response.body();
  }

  /** Listens on loopback only; prints start-up time, RSS and sockets. */
  private static void check(PayaraMicro payara) {
    String sockets = "(unknown: no /proc)";
    if (ListeningSockets.supported()) {
      List<ListeningSockets.Socket> listening = ListeningSockets.of(payara.pid());
      sockets = listening.stream().map(Object::toString).collect(Collectors.joining(", "));
      assertThat(listening)
          .as("sockets of %s", payara)
          .isNotEmpty()
          .allMatch(ListeningSockets.Socket::isLoopback, "is on loopback");
    }
    long rss = payara.rssBytes();
    System.out.printf(
        Locale.ROOT,
        "[PayaraSmokeIT] %s: %s on Java %d, ready in %.1f s, RSS %s, listening: %s%n",
        payara.name(),
        payara.payaraJar().getFileName(),
        PayaraMicro.javaFeatureVersion(payara.javaHome()),
        payara.startupTime().toMillis() / 1000.0,
        rss < 0 ? "unknown" : (rss >> 20) + " MiB",
        sockets);
    List<String> notable =
        records(payara.log()).stream()
            .filter(
                r ->
                    r.contains("SEVERE")
                        || (r.contains("WARNING") && r.contains("dysession"))
                        || r.contains("io.github.dysession"))
            .limit(20)
            .collect(Collectors.toList());
    if (!notable.isEmpty()) {
      System.out.println(
          "[PayaraSmokeIT] "
              + payara.name()
              + ": log records with SEVERE or from dysession ("
              + payara.logFile()
              + "):\n"
              + String.join("\n", notable));
    }
  }

  /**
   * Payara's ODL log records (each starts with "[2025-..."), without the harness's own "====="
   * lines.
   */
  private static List<String> records(String log) {
    List<String> records = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : log.split("\n")) {
      if (line.matches("^\\[\\d{4}-.*") || line.startsWith("=====")) {
        if (current.length() > 0) {
          records.add(current.toString().strip());
        }
        current.setLength(0);
      }
      if (!line.startsWith("=====")) {
        current.append(line).append('\n');
      }
    }
    if (current.length() > 0) {
      records.add(current.toString().strip());
    }
    return records;
  }
}
