package io.github.dysession.it.app;

import jakarta.servlet.http.HttpSessionActivationListener;
import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import jakarta.servlet.http.HttpSessionEvent;
import java.io.Serializable;

/** A session value that wants to know when it is bound, unbound, stored and read back. */
public class BindingValue
    implements HttpSessionBindingListener, HttpSessionActivationListener, Serializable {

  private static final long serialVersionUID = 1L;

  @Override
  public void valueBound(HttpSessionBindingEvent event) {
    Events.record("valueBound");
  }

  @Override
  public void valueUnbound(HttpSessionBindingEvent event) {
    Events.record("valueUnbound");
  }

  @Override
  public void sessionWillPassivate(HttpSessionEvent se) {
    Events.record("sessionWillPassivate");
  }

  @Override
  public void sessionDidActivate(HttpSessionEvent se) {
    Events.record("sessionDidActivate");
  }
}
