package io.github.dysession.it.users;

import jakarta.servlet.http.HttpSessionBindingEvent;
import jakarta.servlet.http.HttpSessionBindingListener;
import java.io.Serializable;

/** A session value that counts its {@code valueUnbound} under its session's tag. */
public class Unbinder implements HttpSessionBindingListener, Serializable {

  private static final long serialVersionUID = 1L;

  private String tag;

  /** For the codec. */
  public Unbinder() {}

  Unbinder(String tag) {
    this.tag = tag;
  }

  public String getTag() {
    return tag;
  }

  public void setTag(String tag) {
    this.tag = tag;
  }

  @Override
  public void valueUnbound(HttpSessionBindingEvent event) {
    if (tag != null) {
      ExpiryWitness.record("unbound", tag);
    }
  }
}
