package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.PayaraMicro;
import java.util.List;
import java.util.Map;

/** The session-sharing suite on two Payara Micro 6 instances on the test JDK (17). */
class Payara6SessionSharingIT extends AbstractSessionSharingIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return PayaraMicro.builder(name + "-" + table())
        .release(PayaraMicro.Release.PAYARA_6)
        .javaHome(PayaraMicro.currentJavaHome())
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
    return "payara6_sessions";
  }
}
