package jakarta.servlet.http;

import java.util.Enumeration;

/**
 * Compile-time stub of Servlet 5's deprecated {@code HttpSessionContext} (removed in Servlet 6), so
 * that {@code DysessionHttpSession} can implement Servlet 5's {@code getSessionContext()} while
 * compiling against Servlet 6. It is never packaged: Servlet 5 containers supply the real type.
 */
@Deprecated
public interface HttpSessionContext {

  /** Returns the session with the given id; Servlet 5 containers always return null. */
  HttpSession getSession(String sessionId);

  /** Returns the ids of the sessions; Servlet 5 containers always return none. */
  Enumeration<String> getIds();
}
