package io.github.dysession.it.faces;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ConversationScoped;
import jakarta.inject.Named;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A conversation's items, and the instance each was added on. */
@Named
@ConversationScoped
public class ConversationCart implements Serializable {

  private static final long serialVersionUID = 1L;

  /** {@code @PreDestroy} calls of carts that held items, on this instance. */
  static final AtomicInteger DESTROYED = new AtomicInteger();

  private final List<String> items = new ArrayList<>();

  public void add(String item) {
    items.add(item + "@" + System.getProperty("dysession.it.instance", "?"));
  }

  public List<String> getItems() {
    return items;
  }

  @PreDestroy
  void destroyed() {
    if (!items.isEmpty()) {
      DESTROYED.incrementAndGet();
    }
  }
}
