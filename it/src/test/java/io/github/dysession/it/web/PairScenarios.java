package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;

/** Scenarios that run as a nested class of a pair suite, on its two instances. */
abstract class PairScenarios {

  /** Returns the pair suite this runs in. */
  abstract AbstractServerPairIT pair();

  /** Returns the instance a scenario starts on. */
  AppServer a() {
    return pair().a;
  }

  /** Returns the other instance. */
  AppServer b() {
    return pair().b;
  }
}
