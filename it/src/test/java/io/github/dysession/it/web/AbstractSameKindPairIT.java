package io.github.dysession.it.web;

/**
 * Two instances of one server kind sharing one table, started in turn (two heavy servers booting at
 * once on a busy two-core machine slow each other past their timeouts). The pair runs the nested
 * suites of {@link AbstractServerPairIT}: Faces, whose state a Faces implementation shares only
 * with itself, and the listeners.
 */
abstract class AbstractSameKindPairIT extends AbstractServerPairIT {

  @Override
  boolean startInTurn() {
    return true;
  }
}
