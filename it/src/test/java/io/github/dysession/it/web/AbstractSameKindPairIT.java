package io.github.dysession.it.web;

import io.github.dysession.it.support.AppServer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/**
 * Two instances of one server kind sharing one table, started in turn: the scenarios that need one
 * server kind on both sides (a Faces implementation shares its state only with itself) run as
 * nested classes on the pair. The Payara pairs run them beside the session-sharing suite.
 */
abstract class AbstractSameKindPairIT extends AbstractServerPairIT {

  @Override
  boolean startInTurn() {
    return true;
  }

  /** Whether the server's Faces implementation keeps the Flash in the session (MyFaces does). */
  abstract boolean flashInTheSession();

  /** Faces pages on the two instances. */
  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  class Faces extends FacesScenarios {

    @Override
    AppServer a() {
      return AbstractSameKindPairIT.this.a;
    }

    @Override
    AppServer b() {
      return AbstractSameKindPairIT.this.b;
    }

    @Override
    boolean flashInTheSession() {
      return AbstractSameKindPairIT.this.flashInTheSession();
    }
  }
}
