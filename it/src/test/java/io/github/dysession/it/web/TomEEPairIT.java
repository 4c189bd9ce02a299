package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.TomEE;
import java.util.Map;

/** Two instances of Apache TomEE 9.0.0 microprofile (OpenWebBeans, MyFaces) sharing one table. */
class TomEEPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return TomEE.startWithTelemetryApp(name + "-" + table(), settings);
  }

  /** The telemetry test application, for TomEE's MicroProfile Metrics (it has no Telemetry). */
  @Override
  boolean telemetryDeployed() {
    return true;
  }

  @Override
  boolean openTelemetry() {
    return false;
  }

  @Override
  String table() {
    return "tomee_pair";
  }
}
