package io.github.dysession.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The part shared by the servers installed from a distribution zip ({@link WildFly}, {@link
 * GlassFish}, {@link OpenLiberty}, {@link TomEE}): one server JVM (launched directly, or by a
 * script that {@code exec}s it, so that stop and kill reach the real server), with the test WAR
 * deployed at context root {@code app}, the settings as system properties, and a fresh instance
 * directory per launch, {@code target/<kind>-runs/<name>/instance-<n>}.
 *
 * <ul>
 *   <li><b>Ready</b> when {@code GET app/ping} answers 200, within {@link #READY_TIMEOUT} (these
 *       servers took up to two minutes to start on a busy two-core machine). A server that names a
 *       {@link #startedLine()} fails at once if the application still does not answer 15 s after
 *       its log showed that line; one that names an {@link #applicationFailedLine()}, as soon as
 *       its log shows it.
 *   <li><b>Loopback only.</b> Subclasses bind every listener to 127.0.0.1; once ready, the start
 *       fails if the process listens on any other address (checked in {@code /proc} on Linux).
 *   <li><b>Environment.</b> Inherited minus every {@code DYSESSION_*} and {@code AWS_*} variable
 *       (and those a subclass's {@link #dropsVariable} names), plus {@code JAVA_HOME}.
 *   <li><b>Output</b> (standard output and error of all launches) goes to {@code
 *       target/<kind>-runs/<name>.log}.
 * </ul>
 */
public abstract class InstalledServer implements AppServer {

  /** The context root the test WAR is deployed at. */
  static final String CONTEXT_ROOT = "app";

  /** How long a start may take until the application answers. */
  public static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  /**
   * The page of each application beside the test WAR that answers 200 once it is deployed, by
   * context root; one not named here is not waited for.
   */
  private static final Map<String, String> READY_PATHS =
      Map.of(
          "login", "login.html",
          "login-custom", "who",
          "login-customform", "who",
          "faces", "events",
          "users", "sessions",
          "users-oldest", "sessions");

  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

  /**
   * How long the application may take to answer once the server logged its {@link #startedLine()}.
   */
  private static final Duration AFTER_STARTED_GRACE = Duration.ofSeconds(15);

  private final String name;
  private final String kind;
  private final Path runDir;
  private final ManagedProcess process;

  /** The server's system properties: the settings, and {@code dysession.it.instance}. */
  final Map<String, String> systemProperties;

  final Path javaHome;
  final Path war;

  /**
   * The login test applications, deployed beside the test WAR under their file names ({@code
   * /login}, {@code /login-custom}).
   */
  final List<Path> loginWars;

  /** WARs the start deploys beside the test WAR besides the login ones (the telemetry one). */
  final List<Path> moreWars;

  private volatile int port;
  private int launches;
  private volatile Path instanceDir;
  private volatile Duration startupTime;

  /** When this launch's log first showed the {@link #startedLine()} (System.nanoTime), or 0. */
  private long startedLineSeen;

  InstalledServer(String kind, String name, Map<String, String> settings) {
    this(kind, name, settings, List.of());
  }

  InstalledServer(String kind, String name, Map<String, String> settings, List<Path> moreWars) {
    if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("Instance name must match [A-Za-z0-9._-]+: " + name);
    }
    this.kind = kind;
    this.name = name;
    this.systemProperties = new LinkedHashMap<>();
    systemProperties.put(PayaraMicro.INSTANCE_PROPERTY, name);
    systemProperties.putAll(settings);
    this.javaHome = PayaraMicro.currentJavaHome();
    this.war = requireFile(PayaraMicro.defaultWar(), "test WAR");
    this.loginWars =
        PayaraMicro.loginWars().stream().map(w -> requireFile(w, "login test WAR")).toList();
    this.moreWars = moreWars.stream().map(w -> requireFile(w, "test WAR")).toList();
    Path runs =
        Dynalite.baseDir().resolve("target").resolve(kind.toLowerCase(Locale.ROOT) + "-runs");
    this.runDir = runs.resolve(name);
    ManagedProcess.deleteRecursively(runDir);
    ManagedProcess.createDirectories(runDir);
    this.process =
        new ManagedProcess(
            kind + " " + name, runs.resolve(name + ".log"), STOP_TIMEOUT, () -> ended(instanceDir));
  }

  /**
   * Prepares a fresh instance directory for one launch (configuration, the WAR deployed at {@code
   * app}, HTTP on {@code httpPort}, everything else on free loopback ports) and returns the command
   * that runs the server JVM in the foreground.
   */
  abstract List<String> prepareLaunch(Path instanceDir, int httpPort);

  /**
   * Tells whether the test JVM's environment variable {@code upperName} (upper case) must not reach
   * the server: dysession's settings and the AWS SDK's would override the test's settings.
   */
  boolean dropsVariable(String upperName) {
    return upperName.startsWith("DYSESSION_") || upperName.startsWith("AWS_");
  }

  /**
   * Adds what the launch needs to its environment, which already has {@code JAVA_HOME}; by default
   * nothing.
   */
  void adaptEnvironment(Map<String, String> environment, Path instanceDir) {}

  /**
   * Returns the log line that shows the server has started, or null if the server has none to
   * watch.
   */
  Pattern startedLine() {
    return null;
  }

  /**
   * Returns the log line that shows the application failed to start, or null if the server has none
   * to watch.
   */
  Pattern applicationFailedLine() {
    return null;
  }

  /**
   * Cleans up after the process of the launch in {@code instanceDir} ended; by default it does
   * nothing.
   */
  void ended(Path instanceDir) {}

  /**
   * Starts the server on a free port; a start that loses its port to another process is retried.
   */
  final void start() {
    ManagedProcess.retryOnPortInUse(
        kind + " " + name + " could not bind a free port",
        () -> {
          port = ManagedProcess.freePort();
          launch();
          return null;
        });
  }

  private void launch() {
    Path dir = runDir.resolve("instance-" + ++launches);
    instanceDir = dir;
    ManagedProcess.createDirectories(dir);
    List<String> command = prepareLaunch(dir, port);
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(k -> dropsVariable(k.toUpperCase(Locale.ROOT)));
    builder.environment().put("JAVA_HOME", javaHome.toString());
    adaptEnvironment(builder.environment(), dir);
    startedLineSeen = 0;
    startupTime = process.launch(builder, READY_TIMEOUT, POLL_INTERVAL, this::notReady);
    requireLoopbackOnly();
  }

  private String notReady() {
    String reason = ManagedProcess.notAnswering200(uri("ping"));
    // The applications beside it too: GlassFish deploys its autodeploy folder one by one.
    for (Iterator<Path> wars = besideWars().iterator(); reason == null && wars.hasNext(); ) {
      String root = contextRoot(wars.next());
      String path = READY_PATHS.get(root);
      if (path != null) {
        reason = ManagedProcess.notAnswering200(baseUri().resolve("../" + root + "/" + path));
      }
    }
    if (reason == null) {
      return null;
    }
    failIfTheStartFailed(reason);
    return reason;
  }

  /**
   * The WARs deployed beside the test WAR, each under its file name without {@code .war}: the login
   * test applications where {@link #deploysLoginWars()}, then the start's {@link #moreWars}.
   */
  final List<Path> besideWars() {
    return Stream.concat(
            deploysLoginWars() ? loginWars.stream() : Stream.empty(), moreWars.stream())
        .toList();
  }

  /** Copies the {@link #besideWars()} into a deployment directory under their file names. */
  final void deployBeside(Path directory) {
    besideWars().forEach(w -> copyFile(w, directory.resolve(w.getFileName().toString())));
  }

  /** The context root a WAR beside the test WAR is deployed at: its file name without .war. */
  static String contextRoot(Path war) {
    return war.getFileName().toString().replaceFirst("\\.war$", "");
  }

  /**
   * Whether this server deploys the login test applications (Open Liberty only with appSecurity).
   */
  boolean deploysLoginWars() {
    return true;
  }

  /**
   * Gives up early when the log shows the start cannot succeed any more, rather than waiting out
   * {@link #READY_TIMEOUT} and then reporting only a refused connection.
   */
  private void failIfTheStartFailed(String reason) {
    Pattern failed = applicationFailedLine();
    Pattern started = startedLine();
    if (failed == null && started == null) {
      return;
    }
    String log = process.logSinceLaunch();
    if (failed != null && failed.matcher(log).find()) {
      throw process.failure(
          kind + " " + name + " (pid " + pid() + ") could not start the application");
    }
    if (started != null && startedLineSeen == 0 && started.matcher(log).find()) {
      startedLineSeen = System.nanoTime();
    }
    if (startedLineSeen != 0
        && System.nanoTime() - startedLineSeen > AFTER_STARTED_GRACE.toNanos()) {
      throw process.failure(
          kind
              + " "
              + name
              + " (pid "
              + pid()
              + ") logged that it started, but "
              + reason
              + " "
              + AFTER_STARTED_GRACE.toSeconds()
              + " s later (the deployment failed?)");
    }
  }

  /** Returns the sockets the server process listens on (empty if not running or not Linux). */
  public List<ListeningSockets.Socket> listeningSockets() {
    long pid = process.pid();
    return ListeningSockets.supported() && pid >= 0 ? ListeningSockets.of(pid) : List.of();
  }

  private void requireLoopbackOnly() {
    List<ListeningSockets.Socket> exposed =
        listeningSockets().stream().filter(s -> !s.isLoopback()).toList();
    if (!exposed.isEmpty()) {
      IllegalStateException failure =
          process.failure(kind + " " + name + " listens beyond 127.0.0.1: " + exposed);
      process.kill();
      throw failure;
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public URI baseUri() {
    return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port + "/" + CONTEXT_ROOT + "/");
  }

  @Override
  public URI uri(String relative) {
    return baseUri().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
  }

  /** Returns the HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  @Override
  public String log() {
    return process.readLog(0);
  }

  @Override
  public Duration startupTime() {
    return startupTime;
  }

  /** Returns the process id, or -1 if not running. */
  public long pid() {
    return process.pid();
  }

  @Override
  public long rssBytes() {
    return process.rssBytes();
  }

  @Override
  public void kill() {
    process.kill();
  }

  @Override
  public void restart() {
    process.restart(this::launch);
  }

  @Override
  public void close() {
    process.stop();
  }

  @Override
  public String toString() {
    return kind
        + "["
        + name
        + ", "
        + baseUri()
        + (pid() >= 0 ? ", pid " + pid() : ", stopped")
        + "]";
  }

  // ------------------------------------------------------------------------------------------
  // Helpers for subclasses

  /**
   * The unpacked distribution: system property {@code property} (set by failsafe), else the only
   * directory inside {@code target/servers/<dir>} (where the build unpacks the zip).
   */
  static Path installation(String property, String dir) {
    String value = System.getProperty(property);
    Path home;
    if (value != null && !value.isBlank()) {
      home = Paths.get(value);
    } else {
      Path unpacked = Dynalite.baseDir().resolve("target").resolve("servers").resolve(dir);
      try (Stream<Path> children =
          Files.isDirectory(unpacked) ? Files.list(unpacked) : Stream.empty()) {
        home = children.filter(Files::isDirectory).findFirst().orElse(unpacked);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + unpacked, e);
      }
    }
    home = home.toAbsolutePath().normalize();
    if (!Files.isDirectory(home)) {
      throw new IllegalStateException(
          "No server installation at "
              + home
              + ". Run the tests with"
              + " `mvn verify -pl it -am` (it unpacks the server zips to target/servers/).");
    }
    return home;
  }

  static void copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  static void copyFile(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file, e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /**
   * {@code text} with {@code from} replaced by {@code to}; fails if {@code from} does not occur
   * (the distribution changed).
   */
  static String replaceRequired(String text, String from, String to, Path file) {
    if (!text.contains(from)) {
      throw new IllegalStateException("Expected '" + from + "' in " + file);
    }
    return text.replace(from, to);
  }

  static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The "
              + what
              + " "
              + file
              + " does not exist. Run the tests with"
              + " `mvn verify -pl it -am`.");
    }
    return file;
  }
}
