package io.github.dysession.it.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Destroyed;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.event.Observes;
import jakarta.servlet.http.HttpSession;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts, by the tag a test gave a session ({@code op=tag}), each end callback the session got on
 * this instance: {@code sessionDestroyed} ({@link Ends}), {@code @Destroyed(SessionScoped.class)}
 * (observed here), {@code @PreDestroy} of its {@link Visits} and {@code valueUnbound} of its {@link
 * Unbinder}. A tagged session's ends are counted here only, not in {@link Ends}'s totals.
 */
@ApplicationScoped
public class ExpiryWitness {

  /** The session attribute that holds the tag. */
  static final String TAG = "tag";

  private static final Map<String, Map<String, AtomicInteger>> SEEN = new ConcurrentHashMap<>();

  static void record(String kind, String tag) {
    SEEN.computeIfAbsent(tag, t -> new ConcurrentHashMap<>())
        .computeIfAbsent(kind, k -> new AtomicInteger())
        .incrementAndGet();
  }

  /** Returns the tag of a session, or null. */
  static String tagOf(Object session) {
    if (session instanceof HttpSession s) {
      try {
        return s.getAttribute(TAG) instanceof String tag ? tag : null;
      } catch (IllegalStateException e) {
        return null;
      }
    }
    return null;
  }

  /** Returns the callbacks counted for {@code tag}: kind → count. */
  static Map<String, Integer> seen(String tag) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String kind : new String[] {"destroyed", "destroyedEvent", "preDestroyed", "unbound"}) {
      AtomicInteger n = SEEN.getOrDefault(tag, Map.of()).get(kind);
      counts.put(kind, n == null ? 0 : n.get());
    }
    return counts;
  }

  void ended(@Observes @Destroyed(SessionScoped.class) Object session) {
    String tag = tagOf(session);
    if (tag != null) {
      record("destroyedEvent", tag);
    }
  }
}
