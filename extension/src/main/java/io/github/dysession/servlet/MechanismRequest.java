package io.github.dysession.servlet;

import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpSession;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The request an authentication mechanism (and the server's login interceptors) sees while
 * dysession's interceptor runs around it: its session is dysession's, except that what the server's
 * Jakarta Security implementation keeps there during a login (the request waiting for the login,
 * the caller found) stays in this request.
 *
 * <p>Those values are the implementations' own classes, which other server kinds cannot read and
 * TomEE's cannot even serialize; and where they lingered after dysession restored a login, they
 * would log the caller in again after a logout. dysession continues the waiting request itself (see
 * {@link AuthenticationScope#continueAfterLogin}), the same way on every server.
 */
final class MechanismRequest extends HttpServletRequestWrapper {

  /**
   * Attribute name prefixes of the login state of Soteria (Payara, GlassFish, WildFly) and TomEE.
   */
  static final List<String> LOCAL_PREFIXES =
      List.of("org.glassfish.soteria.", "org.apache.tomee.security.");

  // The names under which the implementations keep the request that waits for a login.
  private static final List<String> WAITING_REQUEST =
      List.of(
          "org.glassfish.soteria.original.request", "org.apache.tomee.security.request.original");

  private final Map<String, Object> local = new HashMap<>();
  private final Runnable loginRequested;

  /**
   * Wraps a request.
   *
   * @param loginRequested runs when the implementation keeps the request that waits for a login: it
   *     is about to send the caller to the login page
   */
  MechanismRequest(HttpServletRequest request, Runnable loginRequested) {
    super(request);
    this.loginRequested = loginRequested;
  }

  @Override
  public HttpSession getSession() {
    return getSession(true);
  }

  @Override
  public HttpSession getSession(boolean create) {
    HttpSession session = super.getSession(false);
    if (session == null && !create) {
      return null;
    }
    // Created only once something beyond the login state is stored or asked for: TomEE's FORM
    // mechanism asks for a session on every request, even one that needs no login.
    return new LocalStateSession(
        session, () -> super.getSession(true), getServletContext(), local, loginRequested);
  }

  static boolean isLocal(String name) {
    if (name == null) {
      return false;
    }
    for (String prefix : LOCAL_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  /** dysession's session, with the login state of the mechanism's implementation kept aside. */
  private static final class LocalStateSession implements HttpSession {
    private HttpSession session;
    private final java.util.function.Supplier<HttpSession> creator;
    private final ServletContext context;
    private final Map<String, Object> local;
    private final Runnable loginRequested;

    LocalStateSession(
        HttpSession session,
        java.util.function.Supplier<HttpSession> creator,
        ServletContext context,
        Map<String, Object> local,
        Runnable loginRequested) {
      this.session = session;
      this.creator = creator;
      this.context = context;
      this.local = local;
      this.loginRequested = loginRequested;
    }

    /** Returns dysession's session, creating it if need be. */
    private HttpSession session() {
      if (session == null) {
        session = creator.get();
      }
      return session;
    }

    @Override
    public Object getAttribute(String name) {
      if (isLocal(name)) {
        return local.get(name);
      }
      return session == null ? null : session.getAttribute(name);
    }

    @Override
    public Enumeration<String> getAttributeNames() {
      Set<String> names = new LinkedHashSet<>();
      if (session != null) {
        names.addAll(Collections.list(session.getAttributeNames()));
      }
      names.addAll(local.keySet());
      return Collections.enumeration(names);
    }

    @Override
    public void setAttribute(String name, Object value) {
      if (!isLocal(name)) {
        if (value != null || session != null) {
          session().setAttribute(name, value);
        }
      } else if (value == null) {
        local.remove(name);
      } else {
        local.put(name, value);
        if (WAITING_REQUEST.contains(name)) {
          loginRequested.run();
        }
      }
    }

    @Override
    public void removeAttribute(String name) {
      if (isLocal(name)) {
        local.remove(name);
      } else if (session != null) {
        session.removeAttribute(name);
      }
    }

    // Servlet 5's deprecated methods: called by applications on Servlet 5 servers (TomEE 9), not
    // declared by the Servlet 6 API compiled against, so never called from here.

    /** Returns an attribute: the deprecated Servlet 5 name of {@link #getAttribute}. */
    @SuppressWarnings("UnusedMethod")
    public Object getValue(String name) {
      return getAttribute(name);
    }

    /** Returns the attribute names: the deprecated Servlet 5 form of {@link #getAttributeNames}. */
    @SuppressWarnings("UnusedMethod")
    public String[] getValueNames() {
      return Collections.list(getAttributeNames()).toArray(new String[0]);
    }

    /** Sets an attribute: the deprecated Servlet 5 name of {@link #setAttribute}. */
    @SuppressWarnings("UnusedMethod")
    public void putValue(String name, Object value) {
      setAttribute(name, value);
    }

    /** Removes an attribute: the deprecated Servlet 5 name of {@link #removeAttribute}. */
    @SuppressWarnings("UnusedMethod")
    public void removeValue(String name) {
      removeAttribute(name);
    }

    @Override
    public void invalidate() {
      local.clear();
      session().invalidate();
    }

    @Override
    public long getCreationTime() {
      return session().getCreationTime();
    }

    @Override
    public String getId() {
      return session().getId();
    }

    @Override
    public long getLastAccessedTime() {
      return session().getLastAccessedTime();
    }

    @Override
    public ServletContext getServletContext() {
      return context;
    }

    @Override
    public void setMaxInactiveInterval(int interval) {
      session().setMaxInactiveInterval(interval);
    }

    @Override
    public int getMaxInactiveInterval() {
      return session().getMaxInactiveInterval();
    }

    @Override
    public boolean isNew() {
      return session == null || session.isNew();
    }

    @Override
    public String toString() {
      return session == null ? "LocalStateSession[not created yet]" : session.toString();
    }
  }
}
