package io.github.dysession.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real Apache TomEE process ({@code /bin/sh bin/catalina.sh run}, which {@code exec}s the JVM, so the
 * process the tests hold is TomEE's JVM) with the test WAR deployed as {@code webapps/app.war}
 * (context root {@code app}), listening on 127.0.0.1 only.
 *
 * <ul>
 * <li><b>Distribution.</b> The unpacked {@code apache-tomee-<version>-microprofile} zip is
 * {@code CATALINA_HOME} (system property {@value #HOME_PROPERTY}, set by failsafe; the build unpacks
 * it under {@code target/servers/tomee}). The {@code microprofile} flavour, because dysession reads
 * its settings with MicroProfile Config, which TomEE's {@code webprofile} lacks.</li>
 * <li><b>Fresh {@code CATALINA_BASE} per launch</b> ({@code target/tomee-runs/<name>/base-<n>}): a
 * copy of the distribution's {@code conf/} with this class's {@code server.xml}, the WAR in
 * {@code webapps/}, and empty {@code logs/}, {@code temp/}, {@code work/}.</li>
 * <li><b>Loopback only.</b> {@code server.xml} has one HTTP connector with
 * {@code address="127.0.0.1"} on a free port, no AJP or HTTPS connector, and shutdown port -1 (no
 * shutdown socket: the process is stopped with SIGTERM, which runs Tomcat's shutdown hook). TomEE
 * itself opens no other socket (no EJBd, no JMX); the suite checks that.</li>
 * <li><b>System properties</b> (the dysession settings) are appended to the base's
 * {@code conf/catalina.properties}, which Tomcat turns into JVM system properties before anything
 * else starts; no shell quoting is involved. {@code EXIT_ON_INIT_FAILURE} makes a connector that
 * cannot bind its port end the process, so that the start is retried on another port.</li>
 * <li><b>Output</b> goes to {@code target/tomee-runs/<name>.log} (Tomcat's console handler; all
 * launches).</li>
 * <li><b>Ready</b> when {@code GET app/ping} answers 200, within 180 s; if TomEE logged "Server
 * startup in" and the URL still fails 15 s later, the deployment failed and the start fails with
 * the end of the log.</li>
 * <li><b>Environment.</b> Inherited minus every {@code DYSESSION_*}, {@code AWS_*},
 * {@code CATALINA_*} and {@code JAVA_OPTS}/{@code JDK_JAVA_OPTIONS} variable.</li>
 * </ul>
 */
public final class TomEE implements AppServer {

  /** System property (set by failsafe) with the unpacked TomEE distribution ({@code CATALINA_HOME}). */
  public static final String HOME_PROPERTY = "dysession.it.tomeeHome";
  /** The context root: the WAR is deployed as {@code webapps/app.war}. */
  public static final String CONTEXT_ROOT = "app";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration AFTER_STARTED_GRACE = Duration.ofSeconds(15);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final String STARTED_LINE = "Server startup in";
  private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2))
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();

  private final String name;
  private final Path home;
  private final Path javaHome;
  private final Path war;
  private final Map<String, String> systemProperties;
  private final Path runDir;
  private final ManagedProcess process;
  private volatile int port;
  private int launches;
  private volatile Path base;
  private volatile Duration startupTime;
  private long startedLineSeen;

  private TomEE(String name, Path home, Path javaHome, Path war, Map<String, String> systemProperties) {
    this.name = name;
    this.home = home;
    this.javaHome = javaHome;
    this.war = war;
    this.systemProperties = Map.copyOf(systemProperties);
    Path runs = Dynalite.baseDir().resolve("target").resolve("tomee-runs");
    this.runDir = runs.resolve(name);
    this.process = new ManagedProcess("TomEE " + name, runs.resolve(name + ".log"), STOP_TIMEOUT, () -> { });
    ManagedProcess.deleteRecursively(runDir);
    ManagedProcess.createDirectories(runDir);
  }

  /** A builder for an instance named {@code name} (letters, digits, '.', '_', '-'). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The unpacked distribution: system property {@value #HOME_PROPERTY}, else the one under target/servers/tomee. */
  public static Path defaultHome() {
    String value = System.getProperty(HOME_PROPERTY);
    if (value != null && !value.isBlank()) {
      return Paths.get(value).toAbsolutePath().normalize();
    }
    Path servers = Dynalite.baseDir().resolve("target").resolve("servers").resolve("tomee");
    try (Stream<Path> dirs = Files.list(servers)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("bin").resolve("catalina.sh"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("No TomEE distribution in " + servers));
    } catch (IOException e) {
      throw new IllegalStateException("No TomEE distribution in " + servers + ". Run the tests with"
          + " `mvn verify -pl it -am` (it unpacks TomEE there).", e);
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

  /** The HTTP port on 127.0.0.1. */
  public int port() {
    return port;
  }

  /** The process id of TomEE's JVM, or -1 if it is not running. */
  public long pid() {
    return process.pid();
  }

  /** The {@code CATALINA_BASE} of the current (or last) launch. */
  public Path base() {
    return base;
  }

  @Override
  public String log() {
    return process.readLog(0);
  }

  @Override
  public Duration startupTime() {
    return startupTime;
  }

  @Override
  public long rssBytes() {
    long pid = pid();
    if (pid < 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or the process just ended.
    }
    return -1;
  }

  @Override
  public void kill() {
    process.kill();
  }

  /** Stops the process gracefully (SIGTERM), then starts it again on the same port in a fresh base. */
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
    return "TomEE[" + name + ", " + baseUri() + ", " + home.getFileName() + " on " + javaHome + "]";
  }

  // ------------------------------------------------------------------------------------------

  /** One launch: a fresh CATALINA_BASE for {@link #port}, output appended to the log. */
  private void launch() {
    base = runDir.resolve("base-" + ++launches);
    writeBase(base);
    // Through /bin/sh: Maven's unpack does not keep the scripts' execute bits.
    ProcessBuilder builder = new ProcessBuilder("/bin/sh", home.resolve("bin").resolve("catalina.sh").toString(), "run")
        .directory(runDir.toFile());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> {
      String upper = k.toUpperCase(Locale.ROOT);
      return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_") || upper.startsWith("CATALINA_")
          || upper.equals("JAVA_OPTS") || upper.equals("JDK_JAVA_OPTIONS") || upper.equals("JRE_HOME");
    });
    env.put("JAVA_HOME", javaHome.toString());
    env.put("CATALINA_HOME", home.toString());
    env.put("CATALINA_BASE", base.toString());
    env.put("CATALINA_TMPDIR", base.resolve("temp").toString());
    startedLineSeen = 0;
    startupTime = process.launch(builder, READY_TIMEOUT, POLL_INTERVAL, this::notReady);
  }

  private void writeBase(Path dir) {
    try {
      Path conf = dir.resolve("conf");
      ManagedProcess.createDirectories(conf);
      try (Stream<Path> files = Files.list(home.resolve("conf"))) {
        for (Path file : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(file)) {
            Files.copy(file, conf.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      Files.writeString(conf.resolve("server.xml"), serverXml(), StandardCharsets.UTF_8);
      Properties catalina = new Properties();
      try (var in = Files.newInputStream(conf.resolve("catalina.properties"))) {
        catalina.load(in);
      }
      // A connector that cannot bind ends the process (ManagedProcess then retries on a new port).
      catalina.setProperty("org.apache.catalina.startup.EXIT_ON_INIT_FAILURE", "true");
      systemProperties.forEach(catalina::setProperty);
      try (OutputStream out = Files.newOutputStream(conf.resolve("catalina.properties"))) {
        catalina.store(out, "TomEE's catalina.properties plus the test's system properties");
      }
      for (String sub : List.of("logs", "temp", "work", "webapps")) {
        ManagedProcess.createDirectories(dir.resolve(sub));
      }
      Files.copy(war, dir.resolve("webapps").resolve(CONTEXT_ROOT + ".war"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare CATALINA_BASE " + dir, e);
    }
  }

  private String serverXml() {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- Written by the dysession tests: one HTTP connector on loopback, no shutdown port. -->
        <Server port="-1" shutdown="SHUTDOWN">
          <Listener className="org.apache.tomee.catalina.ServerListener"/>
          <Listener className="org.apache.catalina.startup.VersionLoggerListener"/>
          <Listener className="org.apache.catalina.core.JreMemoryLeakPreventionListener"/>
          <Listener className="org.apache.catalina.core.ThreadLocalLeakPreventionListener"/>
          <Service name="Catalina">
            <Connector address="%s" port="%d" protocol="HTTP/1.1" connectionTimeout="20000"
                       xpoweredBy="false" server="Apache TomEE"/>
            <Engine name="Catalina" defaultHost="localhost">
              <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"
                    deployOnStartup="true"/>
            </Engine>
          </Service>
        </Server>
        """.formatted(ManagedProcess.LOOPBACK, port);
  }

  /** Ready = {@code GET app/ping} answers 200; gives up 15 s after "Server startup in" without it. */
  private String notReady() {
    URI readyUri = uri("ping");
    String answer;
    try {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(readyUri).timeout(Duration.ofSeconds(5)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return null;
      }
      String body = response.body().replaceAll("\\s+", " ").trim();
      answer = "HTTP " + response.statusCode() + ": " + (body.length() <= 200 ? body : body.substring(0, 200) + "...");
    } catch (IOException e) {
      answer = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for TomEE " + name, e);
    }
    String reason = "GET " + readyUri + " did not answer 200; last answer: " + answer;
    if (startedLineSeen == 0 && process.logSinceLaunch().contains(STARTED_LINE)) {
      startedLineSeen = System.nanoTime();
    }
    if (startedLineSeen != 0 && System.nanoTime() - startedLineSeen > AFTER_STARTED_GRACE.toNanos()) {
      throw process.failure("TomEE " + name + " (pid " + pid() + ") started, but " + reason + " "
          + AFTER_STARTED_GRACE.toSeconds() + " s later (the deployment failed?)");
    }
    return reason;
  }

  /** Builds and starts a {@link TomEE}. */
  public static final class Builder {
    private final String name;
    private Path home;
    private Path javaHome;
    private Path war;
    private final Map<String, String> systemProperties = new LinkedHashMap<>();

    private Builder(String name) {
      if (!name.matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException("Instance name must be letters, digits, '.', '_', '-': " + name);
      }
      this.name = name;
    }

    /** The unpacked TomEE distribution (default {@link #defaultHome()}). */
    public Builder home(Path home) {
      this.home = home;
      return this;
    }

    /** The JDK to run on (default: the test JVM's). */
    public Builder javaHome(Path javaHome) {
      this.javaHome = javaHome;
      return this;
    }

    /** The WAR to deploy as {@code app.war} (default {@link PayaraMicro#defaultWar()}). */
    public Builder war(Path war) {
      this.war = war;
      return this;
    }

    /** A JVM system property of the server. */
    public Builder systemProperty(String key, String value) {
      systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
      return this;
    }

    /** JVM system properties of the server. */
    public Builder systemProperties(Map<String, String> properties) {
      properties.forEach(this::systemProperty);
      return this;
    }

    /** Launches TomEE on a free port of 127.0.0.1 and waits until the application answers. */
    public TomEE start() {
      Path tomeeHome = (home == null ? defaultHome() : home).toAbsolutePath().normalize();
      if (!Files.isRegularFile(tomeeHome.resolve("bin").resolve("catalina.sh"))) {
        throw new IllegalStateException("No TomEE distribution at " + tomeeHome);
      }
      Path jdk = (javaHome == null ? PayaraMicro.currentJavaHome() : javaHome).toAbsolutePath().normalize();
      Path warFile = (war == null ? PayaraMicro.defaultWar() : war).toAbsolutePath().normalize();
      if (!Files.isRegularFile(warFile)) {
        throw new IllegalStateException("The WAR " + warFile + " does not exist. Run `mvn verify -pl it -am`.");
      }
      systemProperties.putIfAbsent(PayaraMicro.INSTANCE_PROPERTY, name);
      int n = NAMES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
      String uniqueName = n == 1 ? name : name + "-" + n;
      TomEE tomee = new TomEE(uniqueName, tomeeHome, jdk, warFile, systemProperties);
      return ManagedProcess.retryOnPortInUse("TomEE " + uniqueName + " could not bind a free port", () -> {
        tomee.port = ManagedProcess.freePort();
        tomee.launch();
        return tomee;
      });
    }
  }
}
