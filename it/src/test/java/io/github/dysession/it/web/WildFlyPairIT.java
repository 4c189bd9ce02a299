package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.WildFly;
import java.util.Map;

/** Two instances of WildFly 38 (Weld, Undertow, Mojarra) sharing one table. */
class WildFlyPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return WildFly.start(name + "-" + table(), settings);
  }

  @Override
  String table() {
    return "wildfly_pair";
  }
}
