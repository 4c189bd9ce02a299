package io.github.dysession.it.users;

import jakarta.servlet.annotation.WebListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the ends a session of this application gets on this instance: {@code sessionDestroyed} of
 * this listener and {@code @PreDestroy} of the session's {@link Visits} bean.
 */
@WebListener
public class Ends implements HttpSessionListener {

  static final AtomicLong DESTROYED = new AtomicLong();
  static final AtomicLong PRE_DESTROYED = new AtomicLong();

  @Override
  public void sessionDestroyed(jakarta.servlet.http.HttpSessionEvent event) {
    String tag = ExpiryWitness.tagOf(event.getSession());
    if (tag != null) {
      ExpiryWitness.record("destroyed", tag);
    } else {
      DESTROYED.incrementAndGet();
    }
  }

  static void reset() {
    DESTROYED.set(0);
    PRE_DESTROYED.set(0);
  }
}
