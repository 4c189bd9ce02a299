package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.OpenLiberty;
import java.util.Map;

/** Two instances of Open Liberty 26 (Weld, MyFaces) sharing one table. */
class OpenLibertyPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return OpenLiberty.start(name + "-" + table(), settings);
  }

  @Override
  String table() {
    return "openliberty_pair";
  }
}
