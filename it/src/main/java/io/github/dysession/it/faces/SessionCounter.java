package io.github.dysession.it.faces;

import jakarta.enterprise.context.SessionScoped;
import jakarta.inject.Named;
import java.io.Serializable;

/** Counts the postbacks of all views of a session; read from EL. */
@Named
@SessionScoped
public class SessionCounter implements Serializable {

  private static final long serialVersionUID = 1L;

  private int count;

  public int getCount() {
    return count;
  }

  void increment() {
    count++;
  }
}
