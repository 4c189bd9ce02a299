package io.github.dysession.it.users;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/** A session-scoped bean of the logged-in user: counts requests; its end is counted. */
@SessionScoped
public class Visits implements Serializable {

  private static final long serialVersionUID = 1L;

  private int count;
  private String tag;

  /** Counts one more request and returns the count. */
  public int visit() {
    return ++count;
  }

  /** Gives the bean its session's tag: its end is counted under it. */
  public void tag(String value) {
    tag = value;
  }

  @PreDestroy
  void ended() {
    if (tag != null) {
      ExpiryWitness.record("preDestroyed", tag);
    } else {
      Ends.PRE_DESTROYED.incrementAndGet();
    }
  }
}
