package io.github.dysession.it.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts the session events this server instance saw, by name. */
public final class Events {

  private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

  private Events() {}

  /** Counts one event. */
  public static void record(String name) {
    COUNTS.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /** Returns the counts so far. */
  public static Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    COUNTS.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }

  /** Forgets the counts. */
  public static void reset() {
    COUNTS.clear();
  }
}
