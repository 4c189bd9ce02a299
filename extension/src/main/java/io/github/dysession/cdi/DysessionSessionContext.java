package io.github.dysession.cdi;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.AlterableContext;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.enterprise.inject.spi.PassivationCapable;
import jakarta.inject.Named;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The {@code @SessionScoped} context backed by dysession's session: each bean instance is a session
 * attribute, so it is stored in DynamoDB with the session and saved whenever its serialized state
 * changes. Active only on a thread that is inside dysession's filter.
 *
 * <p>A class bean's attribute is named {@value #BEAN_PREFIX} + its class name (+ its qualifiers, if
 * any), which is the same on every server and for every deployment name, so its state moves between
 * servers of different kinds. Other beans (producers) use their passivation id, which the CDI
 * implementation derives from the deployment.
 */
final class DysessionSessionContext implements AlterableContext {

  /** Session attributes holding bean instances start with this prefix. */
  static final String BEAN_PREFIX = "io.github.dysession.bean.";

  private static final Logger LOG = Logger.getLogger(DysessionSessionContext.class.getName());

  private final ThreadLocal<HttpServletRequest> current = new ThreadLocal<>();
  private final Supplier<BeanManager> beanManager;
  private volatile Map<String, Bean<?>> beansByKey;

  DysessionSessionContext(Supplier<BeanManager> beanManager) {
    this.beanManager = beanManager;
  }

  @Override
  public Class<? extends Annotation> getScope() {
    return SessionScoped.class;
  }

  @Override
  public <T> T get(Contextual<T> contextual, CreationalContext<T> creationalContext) {
    HttpSession session = request().getSession(true);
    String key = key(contextual);
    // The session object's monitor serves only this: one creation of a session's beans at a time,
    // so that two threads of one request create a bean once. The session's attribute state and its
    // saves have locks of their own, which are not held here.
    synchronized (session) {
      @SuppressWarnings("unchecked")
      T existing = (T) session.getAttribute(key);
      if (existing != null || creationalContext == null) {
        return existing;
      }
      T instance = contextual.create(creationalContext);
      session.setAttribute(key, instance);
      return instance;
    }
  }

  @Override
  public <T> T get(Contextual<T> contextual) {
    HttpSession session = request().getSession(false);
    if (session == null) {
      return null;
    }
    @SuppressWarnings("unchecked")
    T existing = (T) session.getAttribute(key(contextual));
    return existing;
  }

  @Override
  public void destroy(Contextual<?> contextual) {
    HttpSession session = request().getSession(false);
    if (session != null) {
      destroy(session, key(contextual), contextual);
    }
  }

  @Override
  public boolean isActive() {
    return current.get() != null;
  }

  /** Makes the context active on this thread for dysession's request. */
  void enter(HttpServletRequest request) {
    current.set(request);
  }

  /** Makes the context inactive on this thread. */
  void exit() {
    current.remove();
  }

  /** Returns dysession's request on this thread, or null outside dysession's filter. */
  HttpServletRequest currentRequest() {
    return current.get();
  }

  /** Destroys every bean instance of a session that is being invalidated ({@code @PreDestroy}). */
  void destroyAll(HttpSession session) {
    List<String> names = Collections.list(session.getAttributeNames());
    for (String name : names) {
      if (name.startsWith(BEAN_PREFIX)) {
        destroy(session, name, beanFor(name));
      }
    }
  }

  private Bean<?> beanFor(String key) {
    Map<String, Bean<?>> index = beansByKey;
    if (index == null) {
      index = new HashMap<>();
      // The application's bean manager: the extension's own sees only the library's archive.
      for (Bean<?> bean :
          CDI.current().getBeanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
        if (bean.getScope() == SessionScoped.class) {
          index.put(key(bean), bean);
        }
      }
      beansByKey = index;
    }
    Bean<?> bean = index.get(key);
    if (bean == null) {
      bean = beanManager.get().getPassivationCapableBean(key.substring(BEAN_PREFIX.length()));
    }
    if (bean == null) {
      LOG.warning(
          "Session-scoped bean "
              + key.substring(BEAN_PREFIX.length())
              + " is not a bean of "
              + "this application (any more); its instance is dropped without @PreDestroy");
    }
    return bean;
  }

  private <T> void destroy(HttpSession session, String key, Contextual<T> contextual) {
    Object instance = session.getAttribute(key);
    session.removeAttribute(key);
    if (instance == null || contextual == null) {
      return;
    }
    try {
      @SuppressWarnings("unchecked")
      T typed = (T) instance;
      // The creational context is not stored with the bean (it is not portable across servers).
      contextual.destroy(typed, beanManager.get().createCreationalContext(contextual));
    } catch (RuntimeException e) {
      LOG.log(
          Level.WARNING,
          "Destroying session-scoped bean " + key.substring(BEAN_PREFIX.length()) + " failed",
          e);
    }
  }

  private HttpServletRequest request() {
    HttpServletRequest request = current.get();
    if (request == null) {
      throw new ContextNotActiveException(
          "@SessionScoped is active only inside an HTTP request "
              + "that passed dysession's filter");
    }
    return request;
  }

  static String key(Contextual<?> contextual) {
    if (contextual instanceof Bean<?> bean && bean.getTypes().contains(bean.getBeanClass())) {
      StringBuilder key = new StringBuilder(BEAN_PREFIX).append(bean.getBeanClass().getName());
      List<String> qualifiers = new ArrayList<>();
      for (Annotation q : bean.getQualifiers()) {
        if (q.annotationType() != Default.class
            && q.annotationType() != Any.class
            && q.annotationType() != Named.class) {
          // The type name only: annotation toString() differs between JDKs and CDI implementations.
          qualifiers.add(q.annotationType().getName());
        }
      }
      Collections.sort(qualifiers);
      for (String q : qualifiers) {
        key.append('|').append(q);
      }
      return key.toString();
    }
    if (contextual instanceof PassivationCapable p) {
      return BEAN_PREFIX + p.getId();
    }
    throw new IllegalArgumentException(
        "@SessionScoped bean "
            + contextual
            + " is not passivation capable; make its class Serializable");
  }
}
