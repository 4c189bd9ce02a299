package io.github.dysession.it.users;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/** A session-scoped bean of the logged-in user: counts requests; its end is counted. */
@SessionScoped
public class Visits implements Serializable {

  private static final long serialVersionUID = 1L;

  private int count;

  /** Counts one more request and returns the count. */
  public int visit() {
    return ++count;
  }

  @PreDestroy
  void ended() {
    Ends.PRE_DESTROYED.incrementAndGet();
  }
}
