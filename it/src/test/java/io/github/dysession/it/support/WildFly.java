package io.github.dysession.it.support;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One real WildFly server (standalone, {@code standalone.xml}: Jakarta EE 10 with MicroProfile
 * Config, Weld 5) with the test WAR deployed at {@code app}, listening on 127.0.0.1 only.
 *
 * <ul>
 *   <li><b>Installation</b>: {@code org.wildfly:wildfly-dist} unpacked by the build to {@code
 *       target/servers/wildfly} (system property {@value #HOME_PROPERTY}).
 *   <li><b>Fresh base directory per launch</b> ({@code target/wildfly-runs/<name>/instance-<n>}): a
 *       copy of the distribution's {@code standalone} directory, passed as {@code
 *       jboss.server.base.dir}; the WAR is copied into its {@code deployments} as {@code app.war}
 *       (the file name gives the context root).
 *   <li><b>Loopback only</b>: {@code -b 127.0.0.1 -bmanagement 127.0.0.1}; HTTP on the instance's
 *       port, HTTPS, AJP, management HTTP/HTTPS and the two transaction-manager sockets on free
 *       ports.
 *   <li><b>Command</b>: the JVM that {@code bin/standalone.sh} would run ({@code java ... -jar
 *       jboss-modules.jar -mp modules org.jboss.as.standalone}), run directly so that stop
 *       (SIGTERM, a graceful shutdown) and kill reach the server itself.
 * </ul>
 */
public final class WildFly extends InstalledServer {

  /** System property (set by failsafe) with the unpacked distribution. */
  public static final String HOME_PROPERTY = "dysession.it.wildflyHome";

  /** The JVM options of {@code bin/standalone.conf} and {@code bin/common.sh} for JDK 17+. */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xms64m",
          "-Xmx512m",
          "-Djava.net.preferIPv4Stack=true",
          "-Djboss.modules.system.pkgs=org.jboss.byteman",
          "-Djava.awt.headless=true",
          "-Djdk.serialFilter=maxbytes=10485760;maxdepth=128;maxarray=100000;maxrefs=300000",
          "--add-exports=java.desktop/sun.awt=ALL-UNNAMED",
          "--add-exports=java.naming/com.sun.jndi.ldap=ALL-UNNAMED",
          "--add-exports=java.naming/com.sun.jndi.url.ldap=ALL-UNNAMED",
          "--add-exports=java.naming/com.sun.jndi.url.ldaps=ALL-UNNAMED",
          "--add-exports=jdk.naming.dns/com.sun.jndi.dns=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.security=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.management/javax.management=ALL-UNNAMED",
          "--add-opens=java.naming/javax.naming=ALL-UNNAMED");

  private final Path home;

  /** Whether the launch adds MicroProfile Telemetry to {@code standalone.xml}. */
  private final boolean telemetry;

  private WildFly(
      String name, Map<String, String> settings, boolean telemetry, List<Path> moreWars) {
    super("WildFly", name, settings, moreWars);
    this.home = installation(HOME_PROPERTY, "wildfly");
    this.telemetry = telemetry;
  }

  /**
   * Starts a WildFly named {@code name} with the given settings as system properties and waits
   * until the test application answers.
   */
  public static WildFly start(String name, Map<String, String> settings) {
    WildFly server = new WildFly(name, settings, false, List.of());
    server.start();
    return server;
  }

  /**
   * Starts a WildFly whose {@code standalone.xml} has MicroProfile Telemetry added (its two
   * extensions and subsystems, as README tells WildFly users to add them with jboss-cli), with the
   * telemetry test application deployed too.
   */
  public static WildFly startWithTelemetry(String name, Map<String, String> settings) {
    WildFly server = new WildFly(name, settings, true, List.of(PayaraMicro.telemetryWar()));
    server.start();
    return server;
  }

  @Override
  List<String> prepareLaunch(Path base, int httpPort) {
    copyTree(home.resolve("standalone"), base);
    copyFile(war, base.resolve("deployments").resolve(CONTEXT_ROOT + ".war"));
    deployBeside(base.resolve("deployments"));
    Path config = base.resolve("configuration").resolve("standalone.xml");
    String xml = read(config);
    // Jakarta Security with the application's identity store (the login test application's
    // jboss-web.xml names the domain "other"), as README tells WildFly users: the same as
    // jboss-cli's /subsystem=undertow/application-security-domain=other:write-attribute(
    // name=integrated-jaspi,value=false).
    int undertow = xml.indexOf("<subsystem xmlns=\"urn:jboss:domain:undertow:");
    String domain =
        "<application-security-domain name=\"other\" security-domain=\"ApplicationDomain\"/>";
    int at = undertow < 0 ? -1 : xml.indexOf(domain, undertow);
    if (at < 0) {
      throw new IllegalStateException(
          "No undertow application-security-domain 'other' in " + config);
    }
    xml =
        xml.substring(0, at)
            + domain.replace("/>", " integrated-jaspi=\"false\"/>")
            + xml.substring(at + domain.length());
    // The transaction manager's sockets have fixed ports in standalone.xml.
    xml =
        replaceRequired(
            xml,
            "name=\"txn-recovery-environment\" port=\"4712\"",
            "name=\"txn-recovery-environment\" port=\"" + ManagedProcess.freePort() + "\"",
            config);
    xml =
        replaceRequired(
            xml,
            "name=\"txn-status-manager\" port=\"4713\"",
            "name=\"txn-status-manager\" port=\"" + ManagedProcess.freePort() + "\"",
            config);
    if (telemetry) {
      // jboss-cli's /extension=org.wildfly.extension.opentelemetry:add,
      // /subsystem=opentelemetry:add,
      // and the same for microprofile-telemetry.
      xml =
          replaceRequired(
              xml,
              "</extensions>",
              "<extension module=\"org.wildfly.extension.opentelemetry\"/>"
                  + "<extension module=\"org.wildfly.extension.microprofile.telemetry\"/>"
                  + "</extensions>",
              config);
      xml =
          replaceRequired(
              xml,
              "<subsystem xmlns=\"urn:jboss:domain:naming:",
              "<subsystem xmlns=\"urn:wildfly:opentelemetry:1.1\"/>"
                  + "<subsystem xmlns=\"urn:wildfly:microprofile-telemetry:1.0\"/>"
                  + "<subsystem xmlns=\"urn:jboss:domain:naming:",
              config);
    }
    write(config, xml);

    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.add("-D[Standalone]");
    command.addAll(JVM_OPTIONS);
    command.add("-Dorg.jboss.boot.log.file=" + base.resolve("log").resolve("server.log"));
    command.add(
        "-Dlogging.configuration=file:"
            + base.resolve("configuration").resolve("logging.properties"));
    systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(
        List.of(
            "-jar",
            home.resolve("jboss-modules.jar").toString(),
            "-mp",
            home.resolve("modules").toString(),
            "org.jboss.as.standalone",
            "-Djboss.home.dir=" + home,
            "-Djboss.server.base.dir=" + base,
            "-b",
            ManagedProcess.LOOPBACK,
            "-bmanagement",
            ManagedProcess.LOOPBACK,
            "-Djboss.http.port=" + httpPort,
            "-Djboss.https.port=" + ManagedProcess.freePort(),
            "-Djboss.ajp.port=" + ManagedProcess.freePort(),
            "-Djboss.management.http.port=" + ManagedProcess.freePort(),
            "-Djboss.management.https.port=" + ManagedProcess.freePort()));
    return command;
  }
}
