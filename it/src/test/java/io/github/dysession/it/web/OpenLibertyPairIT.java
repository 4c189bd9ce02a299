package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.OpenLiberty;
import java.util.List;
import java.util.Map;

/**
 * Two instances of Open Liberty 26 (Weld, MyFaces) sharing one table, with MicroProfile Telemetry
 * for the telemetry test application.
 */
class OpenLibertyPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    Map<String, String> all = new java.util.LinkedHashMap<>(settings);
    all.putAll(telemetrySettings(name));
    List<String> features = new java.util.ArrayList<>(OpenLiberty.DEFAULT_FEATURES);
    features.add(OpenLiberty.TELEMETRY_FEATURE);
    return OpenLiberty.start(name + "-" + table(), all, features);
  }

  @Override
  boolean telemetryDeployed() {
    return true;
  }

  @Override
  String table() {
    return "openliberty_pair";
  }
}
