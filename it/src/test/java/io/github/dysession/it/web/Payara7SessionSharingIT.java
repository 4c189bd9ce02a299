package io.github.dysession.it.web;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.PayaraMicro;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The session-sharing suite on two Payara Micro 7 instances on JDK 25; skipped without JDK 25. */
class Payara7SessionSharingIT extends AbstractSessionSharingIT {

  @BeforeAll
  static void requireJdk25() {
    if (PayaraMicro.jdk25Home() == null) {
      System.out.println(
          "[Payara7SessionSharingIT] SKIPPED: no JDK 25 at " + PayaraMicro.JDK25_HOME);
    }
    assumeTrue(PayaraMicro.jdk25Home() != null, "no JDK 25 at " + PayaraMicro.JDK25_HOME);
  }

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return PayaraMicro.builder(name + "-" + table())
        .release(PayaraMicro.Release.PAYARA_7)
        .javaHome(PayaraMicro.jdk25Home())
        .systemProperties(settings)
        .systemProperties(telemetrySettings(name))
        .alsoDeploy(PayaraMicro.loginWars())
        .alsoDeploy(List.of(PayaraMicro.telemetryWar()))
        .start();
  }

  @Override
  boolean telemetryDeployed() {
    return true;
  }

  @Override
  String table() {
    return "payara7_sessions";
  }
}
