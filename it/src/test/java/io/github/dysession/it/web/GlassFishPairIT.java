package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.GlassFish;
import java.util.Map;

/** Two instances of GlassFish 7.0 (Weld, Grizzly, Mojarra) sharing one table. */
class GlassFishPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return GlassFish.start(name + "-" + table(), settings);
  }

  @Override
  String table() {
    return "glassfish_pair";
  }
}
