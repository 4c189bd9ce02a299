package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.http.HttpSessionAttributeListener;
import jakarta.servlet.http.HttpSessionIdListener;
import jakarta.servlet.http.HttpSessionListener;
import java.util.ArrayList;
import java.util.EventListener;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContainerListenersTest {

  static final class AppListener implements HttpSessionListener {}

  static final class AttributeListener implements HttpSessionAttributeListener {}

  static final class IdListener implements HttpSessionIdListener {
    @Override
    public void sessionIdChanged(
        jakarta.servlet.http.HttpSessionEvent event, String oldSessionId) {}
  }

  static final class ContextOnly implements ServletContextListener {
    @Override
    public void contextInitialized(ServletContextEvent sce) {}
  }

  // ------------------------------------------------------------- the shapes of the servers' lists

  /** Tomcat's StandardContext. */
  static final class TomcatContext {
    public Object[] getApplicationLifecycleListeners() {
      return new Object[] {new ContextOnly(), LIFECYCLE};
    }

    public Object[] getApplicationEventListeners() {
      return new Object[] {ATTRIBUTE, ID};
    }
  }

  /** GlassFish's StandardContext. */
  static final class GlassFishContext {
    public List<EventListener> getApplicationEventListeners() {
      return List.of(ATTRIBUTE);
    }

    public List<HttpSessionListener> getSessionListeners() {
      return List.of(LIFECYCLE);
    }
  }

  /** The facades of Tomcat, GlassFish and Liberty: the real context is in a private field. */
  static final class Facade {
    @SuppressWarnings("unused")
    private final Object context;

    Facade(Object context) {
      this.context = context;
    }
  }

  /** Liberty's WebApp. */
  static class LibertyWebAppBase {
    protected ArrayList<Object> sessionListeners = new ArrayList<>(List.of(LIFECYCLE));
    protected ArrayList<Object> sessionAttrListeners = new ArrayList<>(List.of(ATTRIBUTE));
    protected ArrayList<Object> sessionIdListeners = new ArrayList<>(List.of(ID));
  }

  static final class LibertyWebApp extends LibertyWebAppBase {}

  /** Undertow's ServletContextImpl, Deployment, ApplicationListeners and ManagedListener. */
  static final class UndertowContext {
    public Object getDeployment() {
      return new Object() {
        @SuppressWarnings("unused")
        public Object getApplicationListeners() {
          return new UndertowListeners();
        }
      };
    }
  }

  static final class UndertowListeners {
    @SuppressWarnings("unused")
    private final List<Object> allListeners =
        List.of(
            new Managed(LIFECYCLE),
            new Managed(ATTRIBUTE),
            new Managed(new ContextOnly()),
            new Managed(ID));
  }

  record Managed(EventListener instance) {}

  static final AppListener LIFECYCLE = new AppListener();
  static final AttributeListener ATTRIBUTE = new AttributeListener();
  static final IdListener ID = new IdListener();

  @Test
  void read_findsTheSessionListenersOfEachServersList_throughFacades() {
    assertThat(ContainerListeners.read(new Facade(new Facade(new TomcatContext()))).listeners())
        .containsExactly(LIFECYCLE, ATTRIBUTE, ID);
    assertThat(ContainerListeners.read(new Facade(new GlassFishContext())).listeners())
        .containsExactly(LIFECYCLE, ATTRIBUTE);
    assertThat(ContainerListeners.read(new Facade(new LibertyWebApp())).listeners())
        .containsExactly(LIFECYCLE, ATTRIBUTE, ID);
    assertThat(ContainerListeners.read(new UndertowContext()).listeners())
        .containsExactly(LIFECYCLE, ATTRIBUTE, ID);
  }

  @Test
  void read_whenTheServerIsNotKnown_returnsNull() {
    assertThat(ContainerListeners.read(new Facade(new Facade(new Object())))).isNull();
    assertThat(ContainerListeners.readable(new Object())).isFalse();
  }

  @Test
  void select_keepsEachListenerOnce_andLeavesDysessionsOwnOut() {
    AppListener twin = new AppListener();
    ContainerListeners.Found found =
        ContainerListeners.select(
            "test",
            List.of(
                LIFECYCLE,
                twin,
                ATTRIBUTE,
                new ContextOnly(),
                new ContainerSessionWarning(),
                LIFECYCLE));
    // One class registered two ways (two instances, or one instance in two lists) is called once.
    assertThat(found.listeners()).containsExactly(LIFECYCLE, ATTRIBUTE);
    assertThat(found.leftOut()).isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "org.jboss.weld.module.web.servlet.WeldInitialListener",
        "org.apache.webbeans.servlet.WebBeansConfigurationListener",
        "org.apache.openejb.server.httpd.EndWebBeansListener",
        "org.apache.tomcat.websocket.server.WsSessionListener",
        "io.undertow.websockets.jsr.JsrWebSocketFilter$LogoutListener",
        "com.ibm.ws.cdi.web.factories.Weld50InitialListener",
        "org.glassfish.weld.WeldTerminationListenerProxy"
      })
  void isServersOwn_whenTheServerOrItsCdiRegisteredIt_isTrue(String className) {
    assertThat(ContainerListeners.isServersOwn(className)).isTrue();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(
      strings = {
        "com.sun.faces.config.ConfigureListener",
        "org.apache.myfaces.webapp.MyFacesHttpSessionListener",
        "com.example.AuditListener",
        "io.github.dysession.it.app.SessionEventsListener"
      })
  void isServersOwn_whenAFrameworkOrTheApplicationRegisteredIt_isFalse(String className) {
    assertThat(ContainerListeners.isServersOwn(className)).isFalse();
  }
}
