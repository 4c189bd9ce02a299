package io.github.dysession.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One real Payara Micro process ({@code java -jar payara-micro.jar}) with the test WAR deployed,
 * listening on 127.0.0.1 only.
 *
 * <p>Command line: {@code <javaHome>/bin/java [jvm args] [-Dkey=value...] -jar payara-micro-N.jar
 * --deploy <war> --contextroot <root> --nohazelcast --name <name> --prebootcommandfile <file>
 * --logproperties <file> --port <free port> --rootdir <fresh dir>} ({@code --nohazelcast} is
 * replaced by cluster options for instances built with {@link Builder#clustered}). The process
 * management (log file, readiness polling, stop, kill, restart, shutdown hook) is {@link
 * ManagedProcess}'s.
 *
 * <ul>
 *   <li><b>Loopback only.</b> The HTTP listener's address is set to 127.0.0.1 by asadmin {@code
 *       set} commands in the pre-boot command file (the HTTPS listener, disabled, and the JMX
 *       connector, disabled, too). {@code --nohazelcast} turns Hazelcast off altogether, so nothing
 *       listens on 6900 (with {@code --nocluster} Hazelcast still listens there, on all
 *       interfaces). With that, the HTTP port is the only socket the process listens on.
 *   <li><b>Fresh root directory per launch</b> ({@code target/payara-runs/<name>/root-<n>}):
 *       reusing one deployed the application twice. The unpacked runtime in it (~100 MB) is deleted
 *       when the process ends; the configuration stays for post-mortems.
 *   <li><b>Output</b> goes to {@code target/payara-runs/<name>.log} (appended to on restart, each
 *       launch preceded by a line {@code ===== launch <n> of ...}), without ANSI colours.
 *   <li><b>Ready</b> when {@code GET <baseUri><readyPath>} (default {@code ping}) answers 200,
 *       within 120 s; otherwise the start fails with the end of the log. A start that loses its
 *       port to another process is retried on a new port.
 *   <li><b>Environment.</b> The process inherits the test JVM's environment minus every {@code
 *       DYSESSION_*} and {@code AWS_*} variable, so only what the test sets applies.
 * </ul>
 *
 * A JVM shutdown hook ends every process still running, so none outlives the test JVM.
 *
 * <pre>
 * try (PayaraMicro a = PayaraMicro.builder("a")
 *         .systemProperty("dysession.dynamodb-endpoint", dynalite.endpoint().toString())
 *         .start()) {
 *     HttpResponse&lt;String&gt; r = http.send(HttpRequest.newBuilder(a.uri("ping")).build(), ofString());
 * }
 * </pre>
 */
public final class PayaraMicro implements AppServer {

  /** System property (set by failsafe) with the path of the test WAR. */
  public static final String WAR_PROPERTY = "dysession.it.war";

  /**
   * System property naming the login test application's WAR, deployed beside the test WAR under
   * /login.
   */
  public static final String LOGIN_WAR_PROPERTY = "dysession.it.loginWar";

  /** System property (set by failsafe) with the path of the Payara Micro 6 jar. */
  public static final String PAYARA6_JAR_PROPERTY = "dysession.it.payara6Jar";

  /** System property (set by failsafe) with the path of the Payara Micro 7 jar. */
  public static final String PAYARA7_JAR_PROPERTY = "dysession.it.payara7Jar";

  /**
   * System property of the server naming the instance; the test app's {@code /ping} answers {@code
   * pong <it>}.
   */
  public static final String INSTANCE_PROPERTY = "dysession.it.instance";

  /** Where this machine has a JDK 25 (for Payara 7). */
  public static final Path JDK25_HOME = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");

  /** The default context root. */
  public static final String DEFAULT_CONTEXT_ROOT = "app";

  private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);

  /**
   * Once Payara says it is ready, how long the ready URL may still fail before the start is
   * declared failed.
   */
  private static final Duration AFTER_READY_LINE_GRACE = Duration.ofSeconds(15);

  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Printed by Payara Micro once booted and deployed: "Payara Micro 6.2025.10 (build 42) ready in
   * 7,711 (ms)".
   */
  private static final Pattern READY_LINE =
      Pattern.compile("Payara Micro \\S+ \\(build [^)]*\\) ready in");

  private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();

  private final String name;
  private final Path payaraJar;
  private final Path javaHome;
  private final String contextRoot;
  private final Map<String, String> environment;
  private final String readyPath;
  private final Duration readyTimeout;
  private final Path runDir;

  /** The command line without the per-launch {@code --port} and {@code --rootdir}. */
  private final List<String> command = new ArrayList<>();

  private final ManagedProcess process;
  private volatile int port;
  private int launches;
  private volatile Path rootDir;
  private volatile Duration startupTime;

  /** When the current launch printed {@link #READY_LINE}, or 0. */
  private long readyLineSeen;

  /**
   * Prepares a fresh run directory {@code target/payara-runs/<name>}; {@link #launch()} starts the
   * process.
   */
  private PayaraMicro(Builder b, String uniqueName, Path payaraJar, Path javaHome, Path war) {
    this.name = uniqueName;
    this.payaraJar = payaraJar;
    this.javaHome = javaHome;
    this.contextRoot = b.contextRoot;
    this.environment = Map.copyOf(b.environment);
    this.readyPath = b.readyPath;
    this.readyTimeout = b.readyTimeout;
    Path runs = Dynalite.baseDir().resolve("target").resolve("payara-runs");
    this.runDir = runs.resolve(uniqueName);
    this.process =
        new ManagedProcess(
            "Payara Micro " + uniqueName,
            runs.resolve(uniqueName + ".log"),
            STOP_TIMEOUT,
            this::deleteRuntime);

    ManagedProcess.deleteRecursively(runDir);
    ManagedProcess.createDirectories(runDir);
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(b.jvmArgs);
    b.systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(
        List.of(
            "-jar", payaraJar.toString(),
            "--deploy", war.toString(),
            "--contextroot", contextRoot));
    for (Path extra : b.extraWars) {
      // Deployed under its file name, without .war.
      command.addAll(
          List.of("--deploy", requireFile(extra.toAbsolutePath().normalize(), "WAR").toString()));
    }
    if (b.clusterArgs == null) {
      command.add("--nohazelcast");
    } else {
      command.addAll(b.clusterArgs);
    }
    command.addAll(
        List.of("--name", uniqueName, "--prebootcommandfile", writePrebootCommands().toString()));
    Path loggingProperties = writeLoggingProperties();
    if (loggingProperties != null) {
      command.add("--logproperties");
      command.add(loggingProperties.toString());
    }
  }

  /** The Payara Micro releases the tests run on. */
  public enum Release {
    /** Payara Micro 6.2025.10 (Jakarta EE 10, Weld 5), JDK 17+. */
    PAYARA_6(PAYARA6_JAR_PROPERTY, "payara-micro-6.jar", 17),
    /** Payara Micro 7.2025.1 (Jakarta EE 11, Weld 6), JDK 21+. */
    PAYARA_7(PAYARA7_JAR_PROPERTY, "payara-micro-7.jar", 21);

    private final String property;
    private final String fileName;
    private final int minimumJava;

    Release(String property, String fileName, int minimumJava) {
      this.property = property;
      this.fileName = fileName;
      this.minimumJava = minimumJava;
    }

    /**
     * The jar: its system property (set by failsafe), else {@code
     * <it>/target/payara/payara-micro-N.jar}.
     */
    public Path jar() {
      return fileFromProperty(
          property, () -> Dynalite.baseDir().resolve("target").resolve("payara").resolve(fileName));
    }

    /** The lowest Java feature version this release runs on. */
    public int minimumJava() {
      return minimumJava;
    }
  }

  /** A builder for an instance named {@code name} (letters, digits, '.', '_', '-'). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * The login test application: system property {@value #LOGIN_WAR_PROPERTY}, else {@code
   * <it>/target/login.war}.
   */
  public static Path loginWar() {
    return fileFromProperty(
        LOGIN_WAR_PROPERTY, () -> Dynalite.baseDir().resolve("target").resolve("login.war"));
  }

  /**
   * System property naming the login test application with its own mechanism, deployed under
   * /login-custom.
   */
  public static final String CUSTOM_LOGIN_WAR_PROPERTY = "dysession.it.customLoginWar";

  /**
   * System property naming the login test application with the custom-FORM mechanism, under
   * /login-customform.
   */
  public static final String CUSTOM_FORM_LOGIN_WAR_PROPERTY = "dysession.it.customFormLoginWar";

  /** System property naming the Faces test application, deployed under /faces. */
  public static final String FACES_WAR_PROPERTY = "dysession.it.facesWar";

  /**
   * System properties naming the user-sessions test applications, deployed under /users (policy
   * REFUSE) and /users-oldest (policy END_OLDEST).
   */
  public static final String USERS_WAR_PROPERTY = "dysession.it.usersWar";

  /** System property naming the telemetry test WAR (deployed under /telemetry). */
  public static final String TELEMETRY_WAR_PROPERTY = "dysession.it.telemetryWar";

  /** See {@link #USERS_WAR_PROPERTY}. */
  public static final String USERS_OLDEST_WAR_PROPERTY = "dysession.it.usersOldestWar";

  /**
   * Returns the telemetry test application (MicroProfile Telemetry on): system property {@value
   * #TELEMETRY_WAR_PROPERTY}, else {@code <it>/target/telemetry.war}.
   */
  public static Path telemetryWar() {
    return fileFromProperty(
        TELEMETRY_WAR_PROPERTY,
        () -> Dynalite.baseDir().resolve("target").resolve("telemetry.war"));
  }

  /**
   * The applications deployed beside the test application: the login test applications ({@link
   * #loginWar()}, the one with its own mechanism under /login-custom, the one with the custom-FORM
   * mechanism under /login-customform), the Faces test application (/faces) and the user-sessions
   * test applications (/users, /users-oldest).
   */
  public static List<Path> loginWars() {
    return List.of(
        loginWar(),
        fileFromProperty(
            CUSTOM_LOGIN_WAR_PROPERTY,
            () -> Dynalite.baseDir().resolve("target").resolve("login-custom.war")),
        fileFromProperty(
            CUSTOM_FORM_LOGIN_WAR_PROPERTY,
            () -> Dynalite.baseDir().resolve("target").resolve("login-customform.war")),
        fileFromProperty(
            FACES_WAR_PROPERTY, () -> Dynalite.baseDir().resolve("target").resolve("faces.war")),
        fileFromProperty(
            USERS_WAR_PROPERTY, () -> Dynalite.baseDir().resolve("target").resolve("users.war")),
        fileFromProperty(
            USERS_OLDEST_WAR_PROPERTY,
            () -> Dynalite.baseDir().resolve("target").resolve("users-oldest.war")));
  }

  /**
   * The test WAR: system property {@value #WAR_PROPERTY}, else {@code
   * <it>/target/dysession-it.war}.
   */
  public static Path defaultWar() {
    return fileFromProperty(
        WAR_PROPERTY, () -> Dynalite.baseDir().resolve("target").resolve("dysession-it.war"));
  }

  /** The JDK the test JVM runs on ({@code java.home}). */
  public static Path currentJavaHome() {
    return Paths.get(System.getProperty("java.home")).toAbsolutePath().normalize();
  }

  /**
   * {@link #JDK25_HOME} if it holds a JDK 25+ ({@code bin/java} and a {@code release} file), else
   * {@code null}.
   */
  public static Path jdk25Home() {
    Path java = JDK25_HOME.resolve("bin").resolve("java");
    if (Files.isExecutable(java) && javaFeatureVersion(JDK25_HOME) >= 25) {
      return JDK25_HOME;
    }
    return null;
  }

  /**
   * The Java feature version of a JDK home (from its {@code release} file, JAVA_VERSION="17.0.15"),
   * or -1 if it cannot be read.
   */
  public static int javaFeatureVersion(Path javaHome) {
    Path release = javaHome.resolve("release");
    if (!Files.isRegularFile(release)) {
      return javaHome.equals(currentJavaHome()) ? Runtime.version().feature() : -1;
    }
    try {
      Matcher m =
          Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
      return m.find() ? Integer.parseInt(m.group(1)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  // ------------------------------------------------------------------------------------------
  // The running instance

  /**
   * The unique name (the builder's name, with a suffix "-2", "-3"... if already used in this JVM).
   */
  @Override
  public String name() {
    return name;
  }

  /** {@code http://127.0.0.1:<port>/<context root>/} (ends with '/'). */
  @Override
  public URI baseUri() {
    String root = contextRoot.equals("/") ? "" : contextRoot + "/";
    return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port + "/" + root);
  }

  /** Payara Micro's MicroProfile Health endpoint, one for all applications. */
  @Override
  public java.util.Optional<URI> readinessUri() {
    return java.util.Optional.of(
        URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port + "/health/ready"));
  }

  /** Payara Micro's MicroProfile Metrics endpoint, one for all applications (tagged by app). */
  @Override
  public java.util.Optional<URI> metricsUri() {
    return java.util.Optional.of(
        URI.create(
            "http://" + ManagedProcess.LOOPBACK + ":" + port + "/metrics?scope=application"));
  }

  /** {@link #baseUri()} resolved against {@code relative}, e.g. {@code uri("ping")}. */
  @Override
  public URI uri(String relative) {
    return baseUri().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
  }

  public int port() {
    return port;
  }

  /** The file receiving the process's standard output and error (all launches). */
  public Path logFile() {
    return process.logFile();
  }

  /** The root directory of the current (or last) launch. */
  public Path rootDir() {
    return rootDir;
  }

  /** The JDK the process runs on. */
  public Path javaHome() {
    return javaHome;
  }

  /** The Payara Micro jar. */
  public Path payaraJar() {
    return payaraJar;
  }

  /** Process start to ready URL answering 200, for the last launch. */
  @Override
  public Duration startupTime() {
    return startupTime;
  }

  public boolean isRunning() {
    return process.isRunning();
  }

  /** The process id, or -1 if not running. */
  public long pid() {
    return process.pid();
  }

  /**
   * The resident set size of the process in bytes (Linux, from /proc), or -1 if unknown or not
   * running.
   */
  @Override
  public long rssBytes() {
    return process.rssBytes();
  }

  /** The log of all launches (at most its last MiB), without ANSI colour codes. */
  @Override
  public String log() {
    return process.readLog(0);
  }

  /** The last {@code chars} characters of the log (without ANSI colour codes). */
  public String logTail(int chars) {
    return ManagedProcess.lastChars(log(), chars);
  }

  /**
   * Ends the process gracefully (SIGTERM: Payara runs its shutdown hooks, undeploys the app),
   * forcibly after 20 s. Does nothing if it is not running.
   */
  public void stop() {
    process.stop();
  }

  /**
   * Kills the process at once (SIGKILL, like {@code kill -9}: no shutdown hook, no undeployment)
   * and waits until it is gone, so its port is free again. For fault tests.
   */
  @Override
  public void kill() {
    process.kill();
  }

  /**
   * Starts the process again on the same port, with the same settings and a fresh root directory
   * (stopping it gracefully first if it is still running), and waits until it is ready.
   */
  @Override
  public void restart() {
    process.restart(this::launch);
  }

  @Override
  public void close() {
    stop();
  }

  @Override
  public String toString() {
    return "PayaraMicro["
        + name
        + ", "
        + baseUri()
        + ", "
        + payaraJar.getFileName()
        + " on "
        + javaHome
        + (isRunning() ? ", pid " + pid() : ", stopped")
        + "]";
  }

  // ------------------------------------------------------------------------------------------

  /** Settings of an instance; {@link #start()} launches it. */
  public static final class Builder {
    private final String name;
    private Path payaraJar;
    private Release release = Release.PAYARA_6;
    private Path javaHome;
    private Path war;
    private String contextRoot = DEFAULT_CONTEXT_ROOT;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private String readyPath = "ping";
    private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
    private int fixedPort;
    private List<String> clusterArgs;
    private final List<Path> extraWars = new ArrayList<>();

    private Builder(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("Instance name must match [A-Za-z0-9._-]+: " + name);
      }
      this.name = name;
      systemProperties.put(INSTANCE_PROPERTY, name);
    }

    /**
     * Payara 6 (default) or 7; the jar comes from {@link Release#jar()} unless {@link
     * #payaraJar(Path)} is set.
     */
    public Builder release(Release release) {
      this.release = Objects.requireNonNull(release);
      return this;
    }

    /** An explicit Payara Micro jar (overrides {@link #release(Release)}'s jar). */
    public Builder payaraJar(Path jar) {
      this.payaraJar = jar;
      return this;
    }

    /**
     * The JDK to run on. Default: the test JVM's ({@link #currentJavaHome()}), or for a release
     * needing a newer Java {@link #jdk25Home()} if present.
     */
    public Builder javaHome(Path javaHome) {
      this.javaHome = javaHome;
      return this;
    }

    /**
     * More WARs to deploy beside the first, each under its file name without {@code .war}
     * (login.war: /login).
     */
    public Builder alsoDeploy(List<Path> wars) {
      extraWars.addAll(wars);
      return this;
    }

    /** The WAR to deploy (default {@link #defaultWar()}). */
    public Builder war(Path war) {
      this.war = war;
      return this;
    }

    /**
     * The context root without slashes (default {@value #DEFAULT_CONTEXT_ROOT}), or "/" for the
     * root context.
     */
    public Builder contextRoot(String contextRoot) {
      String root = Objects.requireNonNull(contextRoot);
      if (!root.equals("/")) {
        root = root.replaceAll("^/+|/+$", "");
        if (root.isEmpty()) {
          root = "/";
        }
      }
      this.contextRoot = root;
      return this;
    }

    /**
     * A system property of the server process ({@code -Dkey=value}). {@value #INSTANCE_PROPERTY}
     * defaults to the instance name.
     */
    public Builder systemProperty(String key, String value) {
      systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    public Builder systemProperties(Map<String, String> properties) {
      properties.forEach(this::systemProperty);
      return this;
    }

    /** An extra JVM argument placed before {@code -jar}, e.g. {@code -Xmx512m}. */
    public Builder jvmArg(String arg) {
      jvmArgs.add(Objects.requireNonNull(arg));
      return this;
    }

    /**
     * An environment variable of the process (the inherited DYSESSION_* and AWS_* ones are
     * removed).
     */
    public Builder environment(String key, String value) {
      environment.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /**
     * Keeps Hazelcast on (instead of {@code --nohazelcast}) with these Payara Micro options, e.g.
     * {@code --clustermode tcpip:127.0.0.1:6901,127.0.0.1:6902 --interfaces 127.0.0.1}. The caller
     * is responsible for keeping the data grid on loopback (check with {@link ListeningSockets}).
     */
    public Builder clustered(List<String> options) {
      this.clusterArgs = List.copyOf(options);
      return this;
    }

    /**
     * Path under the context root polled for readiness until it answers 200 (default {@code ping}).
     */
    public Builder readyPath(String readyPath) {
      this.readyPath = Objects.requireNonNull(readyPath).replaceAll("^/+", "");
      return this;
    }

    /** How long to wait for readiness (default 120 s). */
    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = Objects.requireNonNull(readyTimeout);
      return this;
    }

    /**
     * A fixed HTTP port (1-65535) instead of a free one; the start then fails, without retrying
     * elsewhere, if another process holds it.
     */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("Port must be 1-65535: " + port);
      }
      this.fixedPort = port;
      return this;
    }

    /**
     * Launches the process on a free port (or the {@link #port(int)}) of 127.0.0.1 and waits until
     * it is ready.
     */
    public PayaraMicro start() {
      Path jar =
          requireFile(
              (payaraJar == null ? release.jar() : payaraJar).toAbsolutePath().normalize(),
              "Payara Micro jar");
      Path warFile =
          requireFile((war == null ? defaultWar() : war).toAbsolutePath().normalize(), "WAR");
      Path home = javaHome;
      if (home == null) {
        home = currentJavaHome();
        if (javaFeatureVersion(home) < release.minimumJava() && jdk25Home() != null) {
          home = jdk25Home();
        }
      }
      home = home.toAbsolutePath().normalize();
      if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
        throw new IllegalStateException(
            "No JDK at " + home + " (" + home.resolve("bin/java") + " missing)");
      }
      int javaVersion = javaFeatureVersion(home);
      if (payaraJar == null && javaVersion >= 0 && javaVersion < release.minimumJava()) {
        throw new IllegalStateException(
            release
                + " needs Java "
                + release.minimumJava()
                + "+, but "
                + home
                + " is Java "
                + javaVersion);
      }
      int n = NAMES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      String uniqueName = n == 1 ? name : name + "-" + n;

      PayaraMicro payara = new PayaraMicro(this, uniqueName, jar, home, warFile);
      if (fixedPort > 0) {
        payara.port = fixedPort;
        payara.launch();
        return payara;
      }
      return ManagedProcess.retryOnPortInUse(
          "Payara Micro " + uniqueName + " could not bind a free port",
          () -> {
            payara.port = ManagedProcess.freePort();
            payara.launch();
            return payara;
          });
    }
  }

  // ------------------------------------------------------------------------------------------

  /**
   * The HTTP listener on loopback only. The HTTPS listener and the JMX connector are disabled in
   * Payara Micro's domain.xml; bind them to loopback too in case something enables them.
   */
  private Path writePrebootCommands() {
    String set = "set configs.config.server-config.";
    String listener = set + "network-config.network-listeners.network-listener.";
    String commands =
        listener
            + "http-listener.address="
            + ManagedProcess.LOOPBACK
            + "\n"
            + listener
            + "https-listener.address="
            + ManagedProcess.LOOPBACK
            + "\n"
            + set
            + "admin-service.jmx-connector.system.address="
            + ManagedProcess.LOOPBACK
            + "\n";
    Path file = runDir.resolve("preboot.asadmin");
    try {
      Files.writeString(file, commands, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
    return file;
  }

  /**
   * Payara Micro's own logging.properties without ANSI colours, or {@code null} if the jar has
   * none.
   */
  private Path writeLoggingProperties() {
    try (ZipFile zip = new ZipFile(payaraJar.toFile())) {
      ZipEntry entry = zip.getEntry("MICRO-INF/domain/logging.properties");
      if (entry == null) {
        return null;
      }
      try (InputStream in = zip.getInputStream(entry)) {
        String properties =
            new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                .replace("ODLLogFormatter.ansiColor=true", "ODLLogFormatter.ansiColor=false");
        Path file = runDir.resolve("logging.properties");
        Files.writeString(file, properties, StandardCharsets.ISO_8859_1);
        return file;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot copy logging.properties from " + payaraJar + " to " + runDir, e);
    }
  }

  /**
   * Payara's boot failed to load part of its own security subsystem (seen with Payara Micro
   * 7.2025.1 on a busy machine: ClassNotFoundException for its Exousia policy factory, then every
   * request answered an empty 200); a fresh launch boots normally.
   */
  private static final Pattern BOOT_FAILURE =
      Pattern.compile("Exception while preparing the app|Error loading web module");

  /**
   * One launch, and one more in a fresh root directory if Payara's boot failed ({@link
   * #BOOT_FAILURE}).
   */
  private void launch() {
    launchOnce();
    if (BOOT_FAILURE.matcher(process.logSinceLaunch()).find()) {
      System.out.println(
          "[PayaraMicro] "
              + name
              + ": Payara's boot failed ("
              + BOOT_FAILURE.pattern()
              + " in its log); launching it once more");
      process.kill();
      launchOnce();
      if (BOOT_FAILURE.matcher(process.logSinceLaunch()).find()) {
        throw process.failure("Payara Micro " + name + " failed to boot twice");
      }
    }
  }

  /**
   * One launch: on {@link #port}, in a fresh root directory, with the output appended to the log.
   */
  private void launchOnce() {
    rootDir = runDir.resolve("root-" + ++launches);
    List<String> launchCommand = new ArrayList<>(command);
    launchCommand.addAll(
        List.of("--port", Integer.toString(port), "--rootdir", rootDir.toString()));
    ProcessBuilder builder = new ProcessBuilder(launchCommand).directory(runDir.toFile());
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> {
              String upper = k.toUpperCase(Locale.ROOT);
              return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_");
            });
    builder.environment().putAll(environment);
    readyLineSeen = 0;
    startupTime = process.launch(builder, readyTimeout, POLL_INTERVAL, this::notReady);
  }

  /**
   * Ready = the ready URL answers 200. Gives up if Payara has printed its "ready" line, but the URL
   * still fails {@link #AFTER_READY_LINE_GRACE} later (the deployment failed?).
   */
  private String notReady() {
    String reason = ManagedProcess.notAnswering200(uri(readyPath));
    if (reason == null) {
      return null;
    }
    if (readyLineSeen == 0 && READY_LINE.matcher(process.logSinceLaunch()).find()) {
      readyLineSeen = System.nanoTime();
    }
    if (readyLineSeen != 0
        && System.nanoTime() - readyLineSeen > AFTER_READY_LINE_GRACE.toNanos()) {
      throw process.failure(
          "Payara Micro "
              + name
              + " (pid "
              + pid()
              + ") booted, but "
              + reason
              + " "
              + AFTER_READY_LINE_GRACE.toSeconds()
              + " s later (the deployment failed?)");
    }
    return reason;
  }

  /**
   * After the process ended: delete the unpacked runtime (~100 MB) of its root dir; the rest stays
   * for post-mortems.
   */
  private void deleteRuntime() {
    Path dir = rootDir;
    if (dir != null) {
      ManagedProcess.deleteRecursively(dir.resolve("runtime"));
    }
  }

  private static Path fileFromProperty(String property, Supplier<Path> fallback) {
    String value = System.getProperty(property);
    Path path = value != null && !value.isBlank() ? Paths.get(value) : fallback.get();
    return path.toAbsolutePath().normalize();
  }

  private static Path requireFile(Path file, String what) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException(
          "The "
              + what
              + " "
              + file
              + " does not exist. Run the tests with `mvn verify -pl it` (it builds the WAR and"
              + " copies the Payara Micro jars to target/payara/).");
    }
    return file;
  }
}
