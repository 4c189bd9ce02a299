package io.github.dysession.it.fragment;

import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import java.util.Set;

/**
 * A framework's initializer in a jar of {@code WEB-INF/lib}: registers its session listener by
 * class.
 */
public class ListenerAddingInitializer implements ServletContainerInitializer {

  @Override
  public void onStartup(Set<Class<?>> classes, ServletContext context) {
    context.addListener(InitializerAddedListener.class);
  }
}
