package io.github.dysession.it.web;

import io.github.dysession.it.support.PayaraMicro;
import io.github.dysession.it.support.AppServer;
import java.util.Map;

/** The session-sharing suite on two Payara Micro 6 instances on the test JDK (17). */
class Payara6SessionSharingIT extends AbstractSessionSharingIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return PayaraMicro.builder(name + "-" + table())
        .release(PayaraMicro.Release.PAYARA_6)
        .javaHome(PayaraMicro.currentJavaHome())
        .systemProperties(settings)
        .alsoDeploy(PayaraMicro.loginWars())
        .start();
  }

  @Override
  String table() {
    return "payara6_sessions";
  }

  /** Faces pages on the two Payara Micro 6 instances (Mojarra). */
  @org.junit.jupiter.api.Nested
  @org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
  class Faces extends FacesScenarios {

    @Override
    AppServer a() {
      return Payara6SessionSharingIT.this.a;
    }

    @Override
    AppServer b() {
      return Payara6SessionSharingIT.this.b;
    }

    @Override
    boolean flashInTheSession() {
      return false;
    }
  }
}
