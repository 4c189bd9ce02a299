package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import io.github.dysession.it.support.TomEE;
import java.util.Map;

/** Two instances of Apache TomEE 9.0.0 microprofile (OpenWebBeans, MyFaces) sharing one table. */
class TomEEPairIT extends AbstractSameKindPairIT {

  @Override
  AppServer start(String name, Map<String, String> settings) {
    return TomEE.start(name + "-" + table(), settings);
  }

  @Override
  String table() {
    return "tomee_pair";
  }
}
