package io.github.dysession.it.app;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.SessionScoped;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** A session-scoped bean whose fields change without any setAttribute. */
@SessionScoped
public class Counter implements Serializable {

  private static final long serialVersionUID = 1L;

  private int count;
  private final List<String> nodes = new ArrayList<>();

  /** Adds one and notes which instance did it. */
  public int increment(String node) {
    nodes.add(node);
    return ++count;
  }

  public int count() {
    return count;
  }

  public List<String> nodes() {
    return List.copyOf(nodes);
  }

  @PreDestroy
  void destroyed() {
    Events.record("counterPreDestroy");
  }
}
