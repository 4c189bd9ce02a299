package io.github.dysession.cdi;

import io.github.dysession.servlet.SessionRuntime;
import io.github.dysession.servlet.SessionRuntimeProvider;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.servlet.ServletContext;

/** Hands dysession's filter the runtime that {@link DysessionExtension} assembled from CDI. */
public final class CdiSessionRuntimeProvider implements SessionRuntimeProvider {

  @Override
  public SessionRuntime runtime(ServletContext context) {
    BeanManager beanManager;
    try {
      beanManager = CDI.current().getBeanManager();
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          "CDI is not available to the application, so its sessions "
              + "cannot be stored; enable CDI (any beans.xml or bean-defining annotation) or set "
              + "dysession.enabled=false",
          e);
    }
    DysessionExtension extension;
    try {
      extension = beanManager.getExtension(DysessionExtension.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "dysession's CDI extension is not registered in this "
              + "application (is the jar's META-INF/services entry filtered out?)",
          e);
    }
    return extension.runtime(context);
  }
}
