package io.github.dysession.it.fragment;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts the session events the Faces test application's listeners receive on this instance, as
 * {@code <listener simple name>:<event>}. Lives in the fragment jar, which the application's own
 * classes see too (one web application class loader).
 */
public final class ListenerEvents {

  private static final Map<String, AtomicInteger> EVENTS = new ConcurrentHashMap<>();

  private ListenerEvents() {}

  /** Counts one event of {@code listener}. */
  public static void record(Object listener, String event) {
    EVENTS
        .computeIfAbsent(
            listener.getClass().getSimpleName() + ":" + event, k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Returns the counts so far, sorted by key. */
  public static Map<String, Integer> snapshot() {
    Map<String, Integer> copy = new TreeMap<>();
    EVENTS.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** Forgets every count. */
  public static void reset() {
    EVENTS.clear();
  }
}
