package io.github.dysession.it.web;

import io.github.dysession.it.support.InstalledServer;
import io.github.dysession.it.support.WildFly;
import java.util.Map;

/**
 * The session-sharing suite on Payara Micro 6 ("a") and WildFly 38 ("b": Weld 5, Undertow), JDK 17.
 */
class WildFlySessionSharingIT extends AbstractMixedFleetIT {

  @Override
  InstalledServer startOther(String name, Map<String, String> settings) {
    return WildFly.start(name, settings);
  }

  @Override
  String table() {
    return "wildfly_sessions";
  }
}
