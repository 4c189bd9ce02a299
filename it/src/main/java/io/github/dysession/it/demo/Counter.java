package io.github.dysession.it.demo;

import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;

/**
 * The demo's {@code @SessionScoped} bean: its field changes without any {@code setAttribute}, and
 * dysession stores it with the session in DynamoDB all the same.
 */
@SessionScoped
public class Counter implements Serializable {

  private static final long serialVersionUID = 1L;

  private int value;

  /** Adds one and returns the new value. */
  public int increment() {
    return ++value;
  }

  /** Returns the current value. */
  public int value() {
    return value;
  }
}
