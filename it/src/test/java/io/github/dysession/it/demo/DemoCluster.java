package io.github.dysession.it.demo;

import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.PayaraMicro;
import io.github.dysession.it.support.ServerPair;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The demo's three processes: dynalite on 127.0.0.1 with its data in a folder, the table created by
 * the CLI jar's {@code init} (run as its own {@code java -jar} process, as an operator would), and
 * two Payara Micro 6 instances A and B with the demo WAR under {@code /demo}, each page linking to
 * the other. Used by {@link DemoLauncher} and {@link DemoBrowserIT}.
 */
final class DemoCluster implements AutoCloseable {

  /** System property (set by the build) with the path of the demo WAR. */
  static final String WAR_PROPERTY = "dysession.it.demoWar";

  /** System property (set by the build) with the path of the CLI jar. */
  static final String CLI_JAR_PROPERTY = "dysession.it.cliJar";

  /** The demo's context root. */
  static final String CONTEXT_ROOT = "demo";

  /** The table the demo uses: the library's default. */
  static final String TABLE = "sessions";

  private static final long INIT_TIMEOUT_SECONDS = 120;

  private final Dynalite dynalite;
  private final ServerPair<PayaraMicro> pair;
  private final String initOutput;

  private DemoCluster(Dynalite dynalite, ServerPair<PayaraMicro> pair, String initOutput) {
    this.dynalite = dynalite;
    this.pair = pair;
    this.initOutput = initOutput;
  }

  /**
   * Starts dynalite with its data in {@code dataDir}, runs {@code init}, then starts A on {@code
   * portA} and B on {@code portB} (both 127.0.0.1) side by side. Whatever started is stopped again
   * if a later step fails.
   *
   * @param dataDir dynalite's data folder (kept between runs), or {@code null} to keep the data in
   *     memory
   * @param namePrefix prefix of the instances' names (their logs are
   *     target/payara-runs/PREFIX-a.log, ...)
   */
  static DemoCluster start(Path dataDir, int portA, int portB, String namePrefix) {
    requirePortFree(portA, "A");
    requirePortFree(portB, "B");
    Path war =
        file(
            WAR_PROPERTY,
            Dynalite.baseDir().resolve("target").resolve("dysession-demo.war"),
            "demo WAR");
    Path cliJar = file(CLI_JAR_PROPERTY, null, "CLI jar");
    Dynalite dynalite = Dynalite.start(dataDir);
    try {
      String initOutput = init(cliJar, dynalite);
      ServerPair<PayaraMicro> pair =
          ServerPair.start(
              () -> instance(namePrefix + "-a", "A", portA, "B", portB, war, dynalite),
              () -> instance(namePrefix + "-b", "B", portB, "A", portA, war, dynalite));
      return new DemoCluster(dynalite, pair, initOutput);
    } catch (RuntimeException | Error e) {
      dynalite.close();
      throw e;
    }
  }

  /** Returns {@code http://127.0.0.1:<port>/demo/}. */
  static URI pageUri(int port) {
    return URI.create("http://127.0.0.1:" + port + "/" + CONTEXT_ROOT + "/");
  }

  /** Returns the name instance {@code letter} shows, e.g. {@code A (port 8080)}. */
  static String nodeName(String letter, int port) {
    return letter + " (port " + port + ")";
  }

  private static PayaraMicro instance(
      String name,
      String letter,
      int port,
      String otherLetter,
      int otherPort,
      Path war,
      Dynalite dynalite) {
    return PayaraMicro.builder(name)
        .release(PayaraMicro.Release.PAYARA_6)
        .war(war)
        .contextRoot(CONTEXT_ROOT)
        .port(port)
        .readyPath("api/session")
        .systemProperty(PayaraMicro.INSTANCE_PROPERTY, nodeName(letter, port))
        .systemProperty("demo.otherUrl", pageUri(otherPort).toString())
        .systemProperty("demo.otherNode", nodeName(otherLetter, otherPort))
        .systemProperty("dysession.dynamodb-endpoint", dynalite.endpoint().toString())
        .systemProperty("dysession.dynamodb-tablename", TABLE)
        .systemProperty("aws.accessKeyId", "demo")
        .systemProperty("aws.secretAccessKey", "demo")
        .start();
  }

  /** Runs {@code java -jar <cli jar> -D... init} against dynalite and returns its output. */
  private static String init(Path cliJar, Dynalite dynalite) {
    Path log = Dynalite.baseDir().resolve("target").resolve("demo-init.log");
    List<String> command =
        List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Daws.accessKeyId=demo",
            "-Daws.secretAccessKey=demo",
            "-jar",
            cliJar.toString(),
            "-Ddysession.dynamodb-endpoint=" + dynalite.endpoint(),
            "-Ddysession.dynamodb-tablename=" + TABLE,
            "init");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> {
              String upper = k.toUpperCase(Locale.ROOT);
              return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_");
            });
    builder.environment().put("NO_COLOR", "1");
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(INIT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        throw new IllegalStateException(
            "`"
                + String.join(" ", command)
                + "` did not finish within "
                + INIT_TIMEOUT_SECONDS
                + " s:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "`"
                + String.join(" ", command)
                + "` failed with exit code "
                + process.exitValue()
                + ":\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + command, e);
    }
  }

  private static void requirePortFree(int port, String instance) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
    } catch (IOException e) {
      throw new IllegalStateException(
          "Port "
              + port
              + " of 127.0.0.1 (instance "
              + instance
              + ") is in use by another process; stop it or choose other ports, e.g. "
              + "-Ddemo.portA=9080 -Ddemo.portB=9081",
          e);
    }
  }

  private static Path file(String property, Path fallback, String what) {
    String value = System.getProperty(property);
    Path path = value != null && !value.isBlank() ? Paths.get(value) : fallback;
    if (path == null || !Files.isRegularFile(path)) {
      throw new IllegalStateException(
          "The "
              + what
              + " "
              + (path == null
                  ? "(system property " + property + " is not set)"
                  : path + " does not exist")
              + ". Build it first: `mvn -B -Pdemo verify` from the top folder builds everything.");
    }
    return path.toAbsolutePath().normalize();
  }

  Dynalite dynalite() {
    return dynalite;
  }

  PayaraMicro a() {
    return pair.a();
  }

  PayaraMicro b() {
    return pair.b();
  }

  /** Returns what {@code init} printed. */
  String initOutput() {
    return initOutput;
  }

  /** Stops B and A (in parallel, each gracefully), then dynalite. */
  @Override
  public void close() {
    pair.close();
    dynalite.stop();
  }
}
