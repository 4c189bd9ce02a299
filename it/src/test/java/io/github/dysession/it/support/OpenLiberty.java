package io.github.dysession.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One real Open Liberty server ({@code wlp/bin/server run}, which {@code exec}s the JVM, so the
 * process is the server's JVM) with the test WAR deployed at {@code app}, listening on 127.0.0.1
 * only.
 *
 * <ul>
 *   <li><b>Runtime.</b> The unpacked {@code io.openliberty:openliberty-runtime} zip: system
 *       property {@value #HOME_PROPERTY} (set by failsafe), else {@code
 *       target/servers/liberty/wlp}. It is only read: each launch gets its own {@code
 *       WLP_USER_DIR}.
 *   <li><b>Fresh user directory per launch</b> ({@code
 *       target/openliberty-runs/<name>/instance-<n>}) with one server {@value #SERVER_NAME}: {@code
 *       server.xml} (the features, by default {@link #DEFAULT_FEATURES}; the HTTP endpoint on
 *       127.0.0.1 and the instance's port, HTTPS off; the WAR as a {@code webApplication} at {@code
 *       app}) and {@code jvm.options} (one {@code -Dkey=value} line per setting: MicroProfile
 *       Config reads system properties). Its {@code workarea} (the OSGi cache) is deleted when the
 *       process ends; configuration and logs stay for post-mortems.
 *   <li><b>Loopback only.</b> These features open two listeners, both on 127.0.0.1: the HTTP
 *       endpoint ({@code host="127.0.0.1"}) and the server command port (a random port Liberty
 *       itself binds to loopback, for {@code server stop}). No HTTPS ({@code httpsPort="-1"}), no
 *       JMX/REST connector, no OSGi console; dropins monitoring and configuration polling are off.
 *   <li><b>Ready</b> as for every {@link InstalledServer}; the start fails at once if Liberty
 *       reports that the application failed to start ({@code CWWKZ0002E}, {@code CWWKZ0004E}), or
 *       15 s after it says it is ready ({@code CWWKF0011I}) without the application answering.
 *   <li><b>Environment</b> also without {@code WLP_*}, {@code JVM_ARGS}, {@code JAVA_OPTIONS} and
 *       {@code OPENJ9_JAVA_OPTIONS}, plus {@code WLP_USER_DIR}.
 * </ul>
 */
public final class OpenLiberty extends InstalledServer {

  /** System property (set by failsafe) with the path of the unpacked runtime ({@code .../wlp}). */
  public static final String HOME_PROPERTY = "dysession.it.libertyHome";

  /** The server's name inside each fresh user directory. */
  public static final String SERVER_NAME = "dysession";

  /**
   * The features the test application needs: Servlet, CDI (Weld inside), Jakarta REST with JSON-B
   * for its resources, MicroProfile Config for dysession's settings, Jakarta Security, enterprise
   * beans and Faces for the login and Faces test applications. dysession itself needs servlet, cdi,
   * jsonb and mpConfig.
   */
  public static final List<String> DEFAULT_FEATURES =
      List.of(
          "servlet-6.0",
          "cdi-4.0",
          "restfulWS-3.1",
          "jsonb-3.0",
          "jsonp-2.1",
          "mpConfig-3.1",
          // The login test application: Jakarta Security and an enterprise bean.
          "appSecurity-5.0",
          "enterpriseBeansLite-4.0",
          // The Faces test application.
          "faces-4.0");

  /** MicroProfile Telemetry 2.0, with which the telemetry test application is deployed too. */
  public static final String TELEMETRY_FEATURE = "mpTelemetry-2.0";

  /** CWWKF0011I: "The dysession server is ready to run a smarter planet." */
  private static final Pattern READY_LINE = Pattern.compile("CWWKF0011I");

  /**
   * The application did not start (CWWKZ0002E: exception starting; CWWKZ0004E: exception at
   * startup).
   */
  private static final Pattern APP_FAILED = Pattern.compile("CWWKZ000[24]E");

  private final Path home;
  private final List<String> features;

  private OpenLiberty(String name, Map<String, String> settings, List<String> features) {
    super(
        "OpenLiberty",
        name,
        settings,
        features.contains(TELEMETRY_FEATURE) ? List.of(PayaraMicro.telemetryWar()) : List.of());
    this.home = installation(HOME_PROPERTY, "liberty");
    if (!Files.isExecutable(home.resolve("bin").resolve("server"))) {
      throw new IllegalStateException(
          "No Open Liberty runtime at "
              + home
              + ". Run the tests with `mvn verify -pl it -am` (it unpacks"
              + " io.openliberty:openliberty-runtime to target/servers/liberty).");
    }
    // Each property is one line of jvm.options.
    systemProperties.forEach(
        (k, v) -> {
          if (k.contains("\n") || v.contains("\n")) {
            throw new IllegalArgumentException("A jvm.options line cannot hold a line break: " + k);
          }
        });
    this.features = List.copyOf(features);
  }

  /**
   * Starts an Open Liberty named {@code name} with the {@link #DEFAULT_FEATURES} and the given
   * settings as system properties, and waits until the test application answers.
   */
  public static OpenLiberty start(String name, Map<String, String> settings) {
    return start(name, settings, DEFAULT_FEATURES);
  }

  /**
   * Starts an Open Liberty named {@code name} with the given features in server.xml and the given
   * settings as system properties, and waits until the test application answers.
   */
  public static OpenLiberty start(
      String name, Map<String, String> settings, List<String> features) {
    OpenLiberty server = new OpenLiberty(name, settings, features);
    server.start();
    return server;
  }

  @Override
  List<String> prepareLaunch(Path userDir, int httpPort) {
    Path serverDir = serverDir(userDir);
    ManagedProcess.createDirectories(serverDir);
    write(serverDir.resolve("server.xml"), serverXml(httpPort));
    write(serverDir.resolve("jvm.options"), jvmOptions());
    return List.of(home.resolve("bin").resolve("server").toString(), "run", SERVER_NAME);
  }

  /**
   * Also drops the variables Liberty's scripts read, so that the test JVM's own do not leak into
   * the server.
   */
  @Override
  boolean dropsVariable(String upperName) {
    return super.dropsVariable(upperName)
        || upperName.startsWith("WLP_")
        || upperName.equals("JVM_ARGS")
        || upperName.equals("JAVA_OPTIONS")
        || upperName.equals("OPENJ9_JAVA_OPTIONS");
  }

  @Override
  void adaptEnvironment(Map<String, String> environment, Path userDir) {
    environment.put("WLP_USER_DIR", userDir.toString());
  }

  @Override
  Pattern startedLine() {
    return READY_LINE;
  }

  @Override
  Pattern applicationFailedLine() {
    return APP_FAILED;
  }

  /** Deletes the OSGi cache of the ended launch's server; its configuration and logs stay. */
  @Override
  void ended(Path userDir) {
    if (userDir != null) {
      ManagedProcess.deleteRecursively(serverDir(userDir).resolve("workarea"));
    }
  }

  private static Path serverDir(Path userDir) {
    return userDir.resolve("servers").resolve(SERVER_NAME);
  }

  private String serverXml(int httpPort) {
    StringBuilder xml =
        new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
            .append("<server description=\"dysession integration test ")
            .append(name())
            .append("\">\n")
            .append("  <featureManager>\n");
    for (String feature : features) {
      xml.append("    <feature>").append(feature).append("</feature>\n");
    }
    xml.append("  </featureManager>\n")
        .append(
            "  <!-- HTTP on loopback, no HTTPS (the command port Liberty binds to loopback itself)."
                + " -->\n")
        .append("  <httpEndpoint id=\"defaultHttpEndpoint\" host=\"")
        .append(ManagedProcess.LOOPBACK)
        .append("\" httpPort=\"")
        .append(httpPort)
        .append("\" httpsPort=\"-1\"/>\n")
        .append("  <webApplication id=\"app\" name=\"app\" location=\"")
        .append(xmlAttribute(war.toString()))
        .append("\" contextRoot=\"/")
        .append(CONTEXT_ROOT)
        .append("\"/>\n")
        .append(besideApplications())
        .append("  <applicationMonitor updateTrigger=\"disabled\" dropinsEnabled=\"false\"/>\n")
        .append("  <config updateTrigger=\"disabled\"/>\n")
        .append(
            "  <logging consoleLogLevel=\"INFO\" consoleFormat=\"SIMPLE\""
                + " copySystemStreams=\"true\"/>\n")
        .append("</server>\n");
    return xml.toString();
  }

  @Override
  boolean deploysLoginWars() {
    return features.stream().anyMatch(f -> f.startsWith("appSecurity"));
  }

  /**
   * The {@link #besideWars()}, each under its file name without .war; the telemetry one sees the
   * OpenTelemetry API.
   */
  private String besideApplications() {
    StringBuilder xml = new StringBuilder();
    for (Path war : besideWars()) {
      String root = contextRoot(war);
      xml.append("  <webApplication id=\"")
          .append(root)
          .append("\" name=\"")
          .append(root)
          .append("\" location=\"")
          .append(xmlAttribute(war.toString()))
          .append("\" contextRoot=\"/")
          .append(root)
          .append(
              moreWars.contains(war)
                  // Liberty shows the OpenTelemetry API only to applications that ask (README).
                  ? "\">\n    <classloader apiTypeVisibility=\"+third-party\"/>\n"
                      + "  </webApplication>\n"
                  : "\"/>\n");
    }
    return xml.toString();
  }

  private String jvmOptions() {
    StringBuilder options = new StringBuilder();
    systemProperties.forEach(
        (k, v) -> options.append("-D").append(k).append('=').append(v).append('\n'));
    return options.toString();
  }

  private static String xmlAttribute(String s) {
    return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
  }
}
