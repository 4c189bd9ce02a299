package io.github.dysession.it.demo;

import io.github.dysession.it.support.Dynalite;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.CountDownLatch;

/**
 * The demo command ({@code mvn -B -Pdemo verify}, which runs this class with exec:java once
 * everything is built): starts dynalite with its data in {@code it/target/demo-dynalite}, creates
 * the table with the CLI jar's {@code init}, starts Payara Micro A on port {@code demo.portA}
 * (default 8080) and B on {@code demo.portB} (default 8081) with the demo WAR, prints both URLs and
 * runs until Ctrl-C or SIGTERM, then stops all three.
 */
public final class DemoLauncher {

  /** System property with instance A's port. */
  public static final String PORT_A_PROPERTY = "demo.portA";

  /** System property with instance B's port. */
  public static final String PORT_B_PROPERTY = "demo.portB";

  /** System property with dynalite's data folder. */
  public static final String DATA_DIR_PROPERTY = "demo.dataDir";

  private DemoLauncher() {}

  /** Starts the demo and blocks until the JVM is asked to stop. */
  public static void main(String[] args) throws InterruptedException {
    int portA = port(PORT_A_PROPERTY, 8080);
    int portB = port(PORT_B_PROPERTY, 8081);
    if (portA == portB) {
      throw new IllegalArgumentException(
          PORT_A_PROPERTY
              + " and "
              + PORT_B_PROPERTY
              + " are both "
              + portA
              + "; give the two instances different ports, e.g. -D"
              + PORT_B_PROPERTY
              + "="
              + (portA + 1));
    }
    String dataProperty = System.getProperty(DATA_DIR_PROPERTY);
    Path dataDir =
        dataProperty == null || dataProperty.isBlank()
            ? Dynalite.baseDir().resolve("target").resolve("demo-dynalite")
            : Paths.get(dataProperty).toAbsolutePath().normalize();

    print(
        "dysession demo: starting dynalite, creating the table, starting Payara Micro A and B"
            + " (typically 15-60 s)...");
    long started = System.nanoTime();
    DemoCluster cluster = DemoCluster.start(dataDir, portA, portB, "demo");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  print("dysession demo: stopping A, B and dynalite...");
                  try {
                    cluster.close();
                    print("dysession demo: stopped.");
                  } finally {
                    stopped.countDown();
                  }
                },
                "demo-shutdown"));

    String line = "=".repeat(78);
    @SuppressWarnings("UnnecessaryStringBuilder") // Line by line, as the banner prints.
    StringBuilder banner =
        new StringBuilder()
            .append(line)
            .append('\n')
            .append(" dysession demo is up (")
            .append((System.nanoTime() - started) / 1_000_000_000L)
            .append(" s): two Payara Micro 6 instances, one DynamoDB table.\n\n")
            .append("   A  ")
            .append(DemoCluster.pageUri(portA))
            .append('\n')
            .append("   B  ")
            .append(DemoCluster.pageUri(portB))
            .append("\n\n")
            .append(
                " Open A, press the buttons, then follow the link to B: both show the same"
                    + " session,\n")
            .append(" because the browser sends its DYSESSION cookie to both ports of 127.0.0.1.\n")
            .append(" JSON API, e.g.:\n")
            .append("   curl -c jar -b jar -X POST ")
            .append(DemoCluster.pageUri(portA))
            .append("api/session\n")
            .append("   curl -c jar -b jar ")
            .append(DemoCluster.pageUri(portB))
            .append("api/session\n\n")
            .append(" DynamoDB: dynalite at ")
            .append(cluster.dynalite().endpoint())
            .append(", table '")
            .append(DemoCluster.TABLE)
            .append("', data in ")
            .append(dataDir)
            .append('\n')
            .append(" init said: ")
            .append(cluster.initOutput().strip().replace("\n", "\n            "))
            .append('\n')
            .append(" Logs: ")
            .append(cluster.a().logFile())
            .append("\n       ")
            .append(cluster.b().logFile())
            .append('\n')
            .append(" Stop with Ctrl-C.\n")
            .append(line);
    print(banner.toString());
    new CountDownLatch(1).await();
  }

  private static int port(String property, int defaultPort) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      return defaultPort;
    }
    try {
      int port = Integer.parseInt(value.strip());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // Reported below.
    }
    throw new IllegalArgumentException(
        property
            + "="
            + value
            + " is not a port; use a number from 1 to 65535, e.g. -D"
            + property
            + "="
            + defaultPort);
  }

  private static void print(String text) {
    System.out.println(text);
    System.out.flush();
  }
}
