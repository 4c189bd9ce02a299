package io.github.dysession.cdi;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * Switches Weld's own HTTP session context off while dysession's {@code @SessionScoped} context
 * serves a request: with both active Weld fails with WELD-001304. This is the only Weld-specific
 * class; it names Weld's types as strings and calls them reflectively through Weld's public
 * interfaces, because some servers (Open Liberty) hide Weld's {@code context.http} package from
 * applications.
 */
final class WeldSessionContextSwitch implements BuiltInSessionContextSwitch {

  static final String SESSION_CONTEXT = "org.jboss.weld.context.SessionContext";
  private static final String MANAGED_CONTEXT = "org.jboss.weld.context.ManagedContext";
  private static final String HTTP_QUALIFIER = "org.jboss.weld.context.http.Http";

  private final Object context;
  private final Method isActive;
  private final Method activate;
  private final Method deactivate;

  private WeldSessionContextSwitch(
      Object context, Method isActive, Method activate, Method deactivate) {
    this.context = context;
    this.isActive = isActive;
    this.activate = activate;
    this.deactivate = deactivate;
  }

  /** Returns whether Weld's context types are visible, i.e. whether {@link #find} can apply. */
  static boolean isAvailable(BeanManager beanManager) {
    return load(SESSION_CONTEXT, beanManager) != null && load(MANAGED_CONTEXT, beanManager) != null;
  }

  /** Returns the switch for Weld's HTTP session context, or null when this is not Weld. */
  static WeldSessionContextSwitch find(BeanManager beanManager) {
    Class<?> sessionContext = load(SESSION_CONTEXT, beanManager);
    Class<?> managedContext = load(MANAGED_CONTEXT, beanManager);
    if (sessionContext == null || managedContext == null) {
      return null;
    }
    Object reference = httpContext(beanManager, sessionContext);
    if (reference == null) {
      return null;
    }
    try {
      return new WeldSessionContextSwitch(
          reference,
          jakarta.enterprise.context.spi.Context.class.getMethod("isActive"),
          managedContext.getMethod("activate"),
          managedContext.getMethod("deactivate"));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("Weld's ManagedContext has no activate/deactivate", e);
    }
  }

  /** Returns Weld's {@code @Http} context of the given type, or null. */
  static Object httpContext(BeanManager beanManager, Class<?> type) {
    for (Bean<?> bean : beanManager.getBeans(type, Any.Literal.INSTANCE)) {
      for (Annotation qualifier : bean.getQualifiers()) {
        if (qualifier.annotationType().getName().equals(HTTP_QUALIFIER)) {
          return beanManager.getReference(bean, type, beanManager.createCreationalContext(bean));
        }
      }
    }
    return null;
  }

  @Override
  public boolean suspend() {
    if ((Boolean) call(isActive)) {
      call(deactivate);
      return true;
    }
    return false;
  }

  @Override
  public void resume() {
    call(activate);
  }

  private Object call(Method method) {
    try {
      return method.invoke(context);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("Cannot call Weld's " + method.getName(), e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("Weld's " + method.getName() + " failed", cause);
    }
  }

  static Class<?> load(String name, BeanManager beanManager) {
    for (ClassLoader loader :
        new ClassLoader[] {
          beanManager.getClass().getClassLoader(),
          Thread.currentThread().getContextClassLoader(),
          WeldSessionContextSwitch.class.getClassLoader()
        }) {
      if (loader == null) {
        continue;
      }
      try {
        return Class.forName(name, false, loader);
      } catch (ClassNotFoundException | LinkageError e) {
        // Try the next loader.
      }
    }
    return null;
  }
}
