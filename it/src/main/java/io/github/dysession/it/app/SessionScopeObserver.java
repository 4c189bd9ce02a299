package io.github.dysession.it.app;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.event.Observes;
import jakarta.servlet.http.HttpSession;

/** Counts the CDI session-scope events. */
@ApplicationScoped
public class SessionScopeObserver {

  void initialized(@Observes @Initialized(SessionScoped.class) HttpSession session) {
    Events.record("cdiInitialized:" + session.getClass().getSimpleName());
  }

  void destroyed(@Observes @Destroyed(SessionScoped.class) Object session) {
    Events.record("cdiDestroyed");
  }
}
