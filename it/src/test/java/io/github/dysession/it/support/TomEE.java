package io.github.dysession.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One real Apache TomEE server ({@code /bin/sh bin/catalina.sh run}, which {@code exec}s the JVM,
 * so the process the tests hold is TomEE's JVM) with the test WAR deployed as {@code
 * webapps/app.war} (context root {@code app}), listening on 127.0.0.1 only.
 *
 * <ul>
 *   <li><b>Distribution.</b> The unpacked {@code apache-tomee-<version>-microprofile} zip is {@code
 *       CATALINA_HOME} (system property {@value #HOME_PROPERTY}, set by failsafe; the build unpacks
 *       it under {@code target/servers/tomee}). The {@code microprofile} flavour, because dysession
 *       reads its settings with MicroProfile Config, which TomEE's {@code webprofile} lacks.
 *   <li><b>Fresh {@code CATALINA_BASE} per launch</b> ({@code
 *       target/tomee-runs/<name>/instance-<n>}): a copy of the distribution's {@code conf/} with
 *       this class's {@code server.xml}, the WAR in {@code webapps/}, and empty {@code logs/},
 *       {@code temp/}, {@code work/}.
 *   <li><b>Loopback only.</b> {@code server.xml} has one HTTP connector with {@code
 *       address="127.0.0.1"} on the instance's port, no AJP or HTTPS connector, and shutdown port
 *       -1 (no shutdown socket: the process is stopped with SIGTERM, which runs Tomcat's shutdown
 *       hook). TomEE itself opens no other socket (no EJBd, no JMX); the suite checks that.
 *   <li><b>System properties</b> (the dysession settings) are appended to the base's {@code
 *       conf/catalina.properties}, which Tomcat turns into JVM system properties before anything
 *       else starts; no shell quoting is involved. {@code EXIT_ON_INIT_FAILURE} makes a connector
 *       that cannot bind its port end the process, so that the start is retried on another port.
 *   <li><b>Ready</b> as for every {@link InstalledServer}; the start fails at once if TomEE logged
 *       "Server startup in" and the application still does not answer 15 s later (the deployment
 *       failed).
 *   <li><b>Environment</b> also without {@code CATALINA_*}, {@code JAVA_OPTS}, {@code
 *       JDK_JAVA_OPTIONS} and {@code JRE_HOME}, plus {@code CATALINA_HOME}, {@code CATALINA_BASE}
 *       and {@code CATALINA_TMPDIR}.
 * </ul>
 */
public final class TomEE extends InstalledServer {

  /**
   * System property (set by failsafe) with the unpacked TomEE distribution ({@code CATALINA_HOME}).
   */
  public static final String HOME_PROPERTY = "dysession.it.tomeeHome";

  private static final Pattern STARTED_LINE = Pattern.compile(Pattern.quote("Server startup in"));

  private final Path home;

  private TomEE(String name, Map<String, String> settings, List<Path> moreWars) {
    super("TomEE", name, settings, moreWars);
    this.home = installation(HOME_PROPERTY, "tomee");
    if (!Files.isRegularFile(home.resolve("bin").resolve("catalina.sh"))) {
      throw new IllegalStateException("No TomEE distribution at " + home);
    }
  }

  /**
   * Starts a TomEE named {@code name} with the given settings as system properties and waits until
   * the test application answers.
   */
  public static TomEE start(String name, Map<String, String> settings) {
    TomEE server = new TomEE(name, settings, List.of());
    server.start();
    return server;
  }

  /** Starts a TomEE as {@link #start} does, with the telemetry test application deployed too. */
  public static TomEE startWithTelemetryApp(String name, Map<String, String> settings) {
    TomEE server = new TomEE(name, settings, List.of(PayaraMicro.telemetryWar()));
    server.start();
    return server;
  }

  /**
   * TomEE's MicroProfile Metrics endpoint of an application ({@code
   * /<context>/metrics/application}): TomEE adds one to each application without a JAX-RS
   * application of its own.
   */
  @Override
  public java.util.Optional<java.net.URI> applicationMetricsUri(String contextRoot) {
    return contextRoot.equals(CONTEXT_ROOT)
        ? java.util.Optional.empty()
        : java.util.Optional.of(baseUri().resolve("../" + contextRoot + "/metrics/application"));
  }

  /**
   * TomEE's MicroProfile Health endpoint of the user-sessions application ({@code
   * /users/health/ready}): TomEE adds one to each application without a JAX-RS application of its
   * own, which {@code /app} has.
   */
  @Override
  public java.util.Optional<java.net.URI> readinessUri() {
    return java.util.Optional.of(usersUri("health/ready"));
  }

  @Override
  List<String> prepareLaunch(Path base, int httpPort) {
    writeBase(base, httpPort);
    // Through /bin/sh: Maven's unpack does not keep the scripts' execute bits.
    return List.of("/bin/sh", home.resolve("bin").resolve("catalina.sh").toString(), "run");
  }

  /**
   * Also drops the variables catalina.sh reads, so that the test JVM's own do not leak into the
   * server.
   */
  @Override
  boolean dropsVariable(String upperName) {
    return super.dropsVariable(upperName)
        || upperName.startsWith("CATALINA_")
        || upperName.equals("JAVA_OPTS")
        || upperName.equals("JDK_JAVA_OPTIONS")
        || upperName.equals("JRE_HOME");
  }

  @Override
  void adaptEnvironment(Map<String, String> environment, Path base) {
    environment.put("CATALINA_HOME", home.toString());
    environment.put("CATALINA_BASE", base.toString());
    environment.put("CATALINA_TMPDIR", base.resolve("temp").toString());
  }

  @Override
  Pattern startedLine() {
    return STARTED_LINE;
  }

  private void writeBase(Path dir, int httpPort) {
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
      Files.writeString(conf.resolve("server.xml"), serverXml(httpPort), StandardCharsets.UTF_8);
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
      Files.copy(
          war,
          dir.resolve("webapps").resolve(CONTEXT_ROOT + ".war"),
          StandardCopyOption.REPLACE_EXISTING);
      deployBeside(dir.resolve("webapps"));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare CATALINA_BASE " + dir, e);
    }
  }

  private static String serverXml(int httpPort) {
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
    """
        .formatted(ManagedProcess.LOOPBACK, httpPort);
  }
}
