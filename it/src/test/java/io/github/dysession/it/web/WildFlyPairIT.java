package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.WildFly;
import java.util.Map;

/**
 * Two instances of WildFly 38 (Weld, Undertow, Mojarra) sharing one table, with MicroProfile
 * Telemetry added to {@code standalone.xml} for the telemetry test application.
 */
class WildFlyPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    Map<String, String> all = new java.util.LinkedHashMap<>(settings);
    all.putAll(telemetrySettings(name));
    return WildFly.startWithTelemetry(name + "-" + table(), all);
  }

  @Override
  boolean telemetryDeployed() {
    return true;
  }

  @Override
  String table() {
    return "wildfly_pair";
  }
}
