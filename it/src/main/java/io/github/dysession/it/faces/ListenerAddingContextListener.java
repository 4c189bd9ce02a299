package io.github.dysession.it.faces;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;

/** Registers a session listener instance when the application starts, as frameworks do. */
@WebListener
public class ListenerAddingContextListener implements ServletContextListener {

  @Override
  public void contextInitialized(ServletContextEvent sce) {
    sce.getServletContext().addListener(new ContextAddedListener());
  }
}
