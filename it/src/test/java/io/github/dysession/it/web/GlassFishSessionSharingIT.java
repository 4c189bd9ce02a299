package io.github.dysession.it.web;

import io.github.dysession.it.support.GlassFish;
import io.github.dysession.it.support.InstalledServer;
import java.util.Map;

/**
 * The session-sharing suite on Payara Micro 6 ("a") and GlassFish 7.0 ("b": Weld 5, Grizzly), JDK
 * 17.
 */
class GlassFishSessionSharingIT extends AbstractMixedFleetIT {

  @Override
  InstalledServer startOther(String name, Map<String, String> settings) {
    return GlassFish.start(name, settings);
  }

  @Override
  String table() {
    return "glassfish_sessions";
  }
}
