package io.github.dysession.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One real GlassFish server (the full distribution: Jakarta EE 10 with MicroProfile Config, Weld 5)
 * with the test WAR deployed at {@code app}, listening on 127.0.0.1 only.
 *
 * <ul>
 *   <li><b>Installation</b>: {@code org.glassfish.main.distributions:glassfish} unpacked by the
 *       build to {@code target/servers/glassfish} (system property {@value #HOME_PROPERTY}).
 *   <li><b>Fresh domain per launch</b> ({@code target/glassfish-runs/<name>/instance-<n>/domain1}):
 *       a copy of the distribution's {@code domain1}; the WAR is copied into its {@code autodeploy}
 *       as {@code app.war} (the file name gives the context root).
 *   <li><b>Loopback only</b>: in the copy's {@code domain.xml}, every listener of the server's
 *       configuration gets address 127.0.0.1 (HTTP on the instance's port; HTTPS, admin, the three
 *       IIOP listeners, the JMX connector, the OSGi remote shell and the lazy JMS listener on free
 *       ports). Debugging stays off.
 *   <li><b>Command</b>: the server JVM that {@code asadmin start-domain --verbose} would run (asked
 *       of asadmin with {@code --dry-run}, so that domain.xml's JVM options apply), with the
 *       settings added as system properties, run directly so that stop and kill reach the server
 *       itself.
 * </ul>
 */
public final class GlassFish extends InstalledServer {

  /** System property (set by failsafe) with the unpacked distribution ({@code .../glassfish7}). */
  public static final String HOME_PROPERTY = "dysession.it.glassfishHome";

  private static final String MAIN_CLASS = "com.sun.enterprise.glassfish.bootstrap.GlassFishMain";
  private static final String DRY_RUN_HEADER =
      "Dump of JVM Invocation line that would be used to launch:";
  private static final long DRY_RUN_TIMEOUT_SECONDS = 120;

  private final Path home;

  private GlassFish(String name, Map<String, String> settings) {
    super("GlassFish", name, settings);
    this.home = installation(HOME_PROPERTY, "glassfish");
  }

  /**
   * Starts a GlassFish named {@code name} with the given settings as system properties and waits
   * until the test application answers.
   */
  public static GlassFish start(String name, Map<String, String> settings) {
    GlassFish server = new GlassFish(name, settings);
    server.start();
    return server;
  }

  @Override
  List<String> prepareLaunch(Path instanceDir, int httpPort) {
    Path domain = instanceDir.resolve("domain1");
    copyTree(home.resolve("glassfish").resolve("domains").resolve("domain1"), domain);
    copyFile(war, domain.resolve("autodeploy").resolve(CONTEXT_ROOT + ".war"));
    deployBeside(domain.resolve("autodeploy"));
    Path config = domain.resolve("config").resolve("domain.xml");
    write(config, onLoopback(read(config), httpPort, config));

    List<String> command = dryRun(instanceDir);
    int main = command.indexOf(MAIN_CLASS);
    if (main < 0) {
      throw new IllegalStateException("asadmin's dry run named no " + MAIN_CLASS + ": " + command);
    }
    List<String> properties = new ArrayList<>();
    systemProperties.forEach((k, v) -> properties.add("-D" + k + "=" + v));
    command.addAll(main, properties);
    return command;
  }

  /** domain.xml with every listener of {@code server-config} on 127.0.0.1 and a port of its own. */
  private static String onLoopback(String xml, int httpPort, Path file) {
    int start = xml.indexOf("<config name=\"server-config\">");
    int end = xml.indexOf("</config>", start);
    if (start < 0 || end < 0) {
      throw new IllegalStateException("No server-config in " + file);
    }
    String c = xml.substring(start, end);
    String loopback = ManagedProcess.LOOPBACK;
    c =
        replaceRequired(
            c,
            "<network-listener port=\"8080\"",
            "<network-listener address=\"" + loopback + "\" port=\"" + httpPort + "\"",
            file);
    c =
        replaceRequired(
            c,
            "<network-listener port=\"8181\"",
            "<network-listener address=\""
                + loopback
                + "\" port=\""
                + ManagedProcess.freePort()
                + "\"",
            file);
    c =
        replaceRequired(
            c,
            "<network-listener port=\"4848\"",
            "<network-listener address=\""
                + loopback
                + "\" port=\""
                + ManagedProcess.freePort()
                + "\"",
            file);
    for (String port : List.of("3700", "3820", "3920")) {
      c =
          replaceRequired(
              c,
              "address=\"0.0.0.0\" port=\"" + port + "\"",
              "address=\"" + loopback + "\" port=\"" + ManagedProcess.freePort() + "\"",
              file);
    }
    c =
        replaceRequired(
            c,
            "address=\"0.0.0.0\" port=\"8686\"",
            "address=\"" + loopback + "\" port=\"" + ManagedProcess.freePort() + "\"",
            file);
    c =
        replaceRequired(
            c,
            "-Dosgi.shell.telnet.port=6666",
            "-Dosgi.shell.telnet.port=" + ManagedProcess.freePort(),
            file);
    c =
        replaceRequired(
            c,
            "name=\"JMS_PROVIDER_PORT\" value=\"7676\"",
            "name=\"JMS_PROVIDER_PORT\" value=\"" + ManagedProcess.freePort() + "\"",
            file);
    // GlassFish adds this jms-service at first start with host "localhost", for which its lazy
    // JMS listener binds 0.0.0.0; with an address it binds that address.
    if (c.contains("<jms-service")) {
      throw new IllegalStateException("server-config of " + file + " has a jms-service already");
    }
    c =
        replaceRequired(
            c,
            "<connector-service ",
            "<jms-service type=\"EMBEDDED\" default-jms-host=\"default_JMS_host\">"
                + "<jms-host name=\"default_JMS_host\" host=\""
                + loopback
                + "\" port=\"${JMS_PROVIDER_PORT}\"/>"
                + "</jms-service>\n      <connector-service ",
            file);
    if (c.contains("0.0.0.0")) {
      throw new IllegalStateException("server-config of " + file + " still names 0.0.0.0");
    }
    return xml.substring(0, start) + c + xml.substring(end);
  }

  /**
   * The server JVM's command line, as {@code asadmin start-domain --verbose --dry-run} prints it.
   */
  private List<String> dryRun(Path domainDir) {
    List<String> asadmin =
        List.of(
            javaHome.resolve("bin").resolve("java").toString(),
            "-jar",
            home.resolve("glassfish")
                .resolve("lib")
                .resolve("client")
                .resolve("appserver-cli.jar")
                .toString(),
            "start-domain",
            "--verbose",
            "--dry-run",
            "--domaindir",
            domainDir.toString(),
            "domain1");
    String output;
    try {
      Process p = new ProcessBuilder(asadmin).redirectErrorStream(true).start();
      p.getOutputStream().close();
      output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(DRY_RUN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("asadmin start-domain --dry-run did not end: " + asadmin);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + asadmin, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while running " + asadmin, e);
    }
    Matcher m =
        Pattern.compile(Pattern.quote(DRY_RUN_HEADER) + "\\R(.*?)\\R\\R", Pattern.DOTALL)
            .matcher(output);
    if (!m.find()) {
      throw new IllegalStateException(
          "asadmin start-domain --dry-run printed no command line:\n" + output);
    }
    return new ArrayList<>(
        m.group(1).lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
  }
}
