package io.github.dysession.it.support;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One real dynalite process (the npm package pinned by {@code it/package.json}, installed by {@code
 * npm ci} in the Maven phase pre-integration-test), listening on 127.0.0.1 only.
 *
 * <p>{@link #start(Path)} picks a free port, launches {@code node node_modules/dynalite/cli.js
 * --host 127.0.0.1 --port N --createTableMs 0 ...} and waits until the server accepts connections.
 * Its output goes to {@code <basedir>/target/dynalite-<port>.log}. {@link #kill()} and {@link
 * #restart()} exist for fault tests: with a data directory, the data survives a {@code kill -9}; in
 * memory, it does not.
 *
 * <p>A JVM shutdown hook ends every process still running, so none outlives the test JVM.
 */
public final class Dynalite implements AutoCloseable {

  /** System property set by failsafe to the it/ module folder. */
  public static final String BASEDIR_PROPERTY = "dysession.it.basedir";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

  /** Printed by dynalite's cli.js once its server is listening. */
  private static final String READY_LINE = "Dynalite listening at";

  private final Path baseDir;
  private final Path node;
  private final Path cliJs;
  private final Path dataDir;
  private final int port;
  private final ManagedProcess process;

  private Dynalite(Path baseDir, Path node, Path cliJs, Path dataDir, int port) {
    this.baseDir = baseDir;
    this.node = node;
    this.cliJs = cliJs;
    this.dataDir = dataDir;
    this.port = port;
    this.process =
        new ManagedProcess(
            "dynalite at " + endpoint(),
            baseDir.resolve("target").resolve("dynalite-" + port + ".log"),
            STOP_TIMEOUT,
            () -> {});
  }

  /**
   * Starts a dynalite process on a free port of 127.0.0.1 and waits until it is ready.
   *
   * @param dataDir the LevelDB directory (created if missing), or {@code null} to keep the data in
   *     memory
   */
  public static Dynalite start(Path dataDir) {
    Path baseDir = baseDir();
    Path cliJs = baseDir.resolve("node_modules").resolve("dynalite").resolve("cli.js");
    if (!Files.isRegularFile(cliJs)) {
      throw new IllegalStateException(
          "dynalite is not installed: "
              + cliJs
              + " does not exist. Run `npm ci` in "
              + baseDir
              + " (the Maven build does it in phase pre-integration-test).");
    }
    Path node = findNode();
    Path data = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
    if (data != null) {
      ManagedProcess.createDirectories(data);
    }
    ManagedProcess.createDirectories(baseDir.resolve("target"));
    return ManagedProcess.retryOnPortInUse(
        "dynalite could not bind a free port",
        () -> {
          Dynalite dynalite = new Dynalite(baseDir, node, cliJs, data, ManagedProcess.freePort());
          dynalite.launch();
          return dynalite;
        });
  }

  /**
   * The it/ module folder: system property {@value #BASEDIR_PROPERTY}, else the current directory.
   */
  public static Path baseDir() {
    String property = System.getProperty(BASEDIR_PROPERTY);
    if (property != null && !property.isBlank()) {
      return Paths.get(property).toAbsolutePath().normalize();
    }
    Path current = Paths.get("").toAbsolutePath().normalize();
    if (Files.isDirectory(current.resolve("node_modules").resolve("dynalite"))) {
      return current;
    }
    throw new IllegalStateException(
        "Cannot locate dynalite: system property "
            + BASEDIR_PROPERTY
            + " is not set and "
            + current
            + " has no node_modules/dynalite."
            + " Run the tests with `mvn verify -pl it`, or from the it/ folder after `npm ci`.");
  }

  /** {@code http://127.0.0.1:<port>} */
  public URI endpoint() {
    return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port);
  }

  public int port() {
    return port;
  }

  /** The LevelDB directory, or {@code null} if the data is kept in memory. */
  public Path dataDir() {
    return dataDir;
  }

  /** The file receiving dynalite's standard output and error. */
  public Path logFile() {
    return process.logFile();
  }

  public boolean isRunning() {
    return process.isRunning();
  }

  /**
   * Ends the process gracefully (SIGTERM), forcibly after 5 s. Does nothing if it is not running.
   */
  public void stop() {
    process.stop();
  }

  /**
   * Kills the process at once (SIGKILL, like {@code kill -9}) and waits for it to be gone, so that
   * its port and data directory are released. For fault tests.
   */
  public void kill() {
    process.kill();
  }

  /**
   * Starts dynalite again on the same port and the same data directory (stopping it first if it is
   * still running), and waits until it is ready.
   */
  public void restart() {
    process.restart(this::launch);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    long pid = process.pid();
    return "Dynalite["
        + endpoint()
        + (dataDir == null ? ", in memory" : ", path=" + dataDir)
        + (pid < 0 ? ", stopped" : ", pid " + pid)
        + "]";
  }

  // ------------------------------------------------------------------------------------------

  private void launch() {
    List<String> command =
        new ArrayList<>(
            List.of(
                node.toString(),
                cliJs.toString(),
                "--host",
                ManagedProcess.LOOPBACK,
                "--port",
                Integer.toString(port),
                "--createTableMs",
                "0",
                "--deleteTableMs",
                "0",
                "--updateTableMs",
                "0"));
    if (dataDir != null) {
      command.add("--path");
      command.add(dataDir.toString());
    }
    process.launch(
        new ProcessBuilder(command).directory(baseDir.toFile()),
        READY_TIMEOUT,
        POLL_INTERVAL,
        this::notReady);
  }

  /**
   * Ready = dynalite has printed its "listening" line (so the port is bound by this process, not by
   * a stranger that took it) and the port accepts TCP connections.
   */
  private String notReady() {
    if (!process.logSinceLaunch().contains(READY_LINE)) {
      return "no \"" + READY_LINE + "\" line in the log yet";
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return null;
    } catch (IOException e) {
      return "connecting to port " + port + ": " + e;
    }
  }

  private static Path findNode() {
    String path = System.getenv("PATH");
    boolean windows =
        System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    List<String> names = windows ? List.of("node.exe", "node.cmd", "node") : List.of("node");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        for (String name : names) {
          Path candidate = Paths.get(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return candidate.toAbsolutePath();
          }
        }
      }
    }
    throw new IllegalStateException(
        "Cannot find `node` on PATH (" + path + "); Node.js is needed to run dynalite.");
  }
}
