package io.github.dysession.it.web;

import io.github.dysession.it.support.PayaraMicro;
import java.nio.file.Path;

/** The session-sharing suite on two Payara Micro 6 instances on the test JDK (17). */
class Payara6SessionSharingIT extends AbstractSessionSharingIT {

  @Override
  PayaraMicro.Release release() {
    return PayaraMicro.Release.PAYARA_6;
  }

  @Override
  Path javaHome() {
    return PayaraMicro.currentJavaHome();
  }

  @Override
  String table() {
    return "payara6_sessions";
  }
}
