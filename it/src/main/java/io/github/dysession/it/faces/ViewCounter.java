package io.github.dysession.it.faces;

import jakarta.annotation.PreDestroy;
import jakarta.faces.view.ViewScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;

/** Counts the postbacks of one view; each also counts in the session's {@link SessionCounter}. */
@Named
@ViewScoped
public class ViewCounter implements Serializable {

  private static final long serialVersionUID = 1L;

  @Inject private SessionCounter session;

  private int count;

  public int getCount() {
    return count;
  }

  /** The button's action: stays on the view. */
  public void increment() {
    count++;
    session.increment();
  }

  @PreDestroy
  void destroyed() {
    FacesEvents.VIEW_BEANS_DESTROYED.incrementAndGet();
  }
}
