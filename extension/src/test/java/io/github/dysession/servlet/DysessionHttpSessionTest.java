package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests the parts of {@link DysessionHttpSession} that need no store: the methods that Servlet 5
 * containers (Tomcat 10.0, TomEE 9) still declare in {@code HttpSession}. The session is new, so
 * nothing is loaded or saved.
 */
class DysessionHttpSessionTest {

  private final Jsonb jsonb = JsonbBuilder.create();
  private final DysessionHttpSession session = newSession();

  @AfterEach
  void closeJsonb() throws Exception {
    jsonb.close();
  }

  private DysessionHttpSession newSession() {
    DysessionSettings settings = DysessionSettings.from(SettingsSource.of(Map.of()));
    AttributeCodec codec =
        new AttributeCodec(jsonb, getClass().getClassLoader(), settings.allowedClasses());
    SessionRuntime runtime =
        new SessionRuntime(new UnusedStore(), codec, settings, SessionScopeBridge.NONE);
    return new SessionManager(null, runtime, new SessionListeners(), Clock.systemUTC()).create();
  }

  @Test
  @SuppressWarnings("deprecation") // The deprecated Servlet 5 methods are what this tests.
  void servlet5ValueMethods_actOnTheAttributes() {
    session.putValue("colour", "red");
    session.setAttribute("size", 3);

    assertThat(session.getValue("colour")).isEqualTo("red");
    assertThat(session.getAttribute("colour")).isEqualTo("red");
    assertThat(session.getValueNames()).containsExactlyInAnyOrder("colour", "size");

    session.removeValue("colour");
    assertThat(session.getAttribute("colour")).isNull();
    assertThat(session.getValueNames()).containsExactly("size");
  }

  @Test
  @SuppressWarnings("deprecation") // The deprecated Servlet 5 methods are what this tests.
  void servlet5ValueMethods_onAnInvalidatedSession_throwIllegalState() {
    session.markInvalid();

    assertThatThrownBy(() -> session.getValue("x")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(session::getValueNames).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> session.putValue("x", "y")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @SuppressWarnings("deprecation")
  void servlet5SessionContext_isEmpty() {
    jakarta.servlet.http.HttpSessionContext context = session.getSessionContext();

    assertThat(context.getSession(session.getId())).isNull();
    assertThat(Collections.list(context.getIds())).isEmpty();
  }

  @Test
  void everyServlet5OnlyMethod_isDeclaredWithServlet5sSignature() throws Exception {
    // The container calls them through Servlet 5's interface: name, parameters and return type
    // must match exactly, or the call ends in AbstractMethodError.
    assertThat(method("getValue", String.class).getReturnType()).isEqualTo(Object.class);
    assertThat(method("getValueNames").getReturnType()).isEqualTo(String[].class);
    assertThat(method("putValue", String.class, Object.class).getReturnType())
        .isEqualTo(void.class);
    assertThat(method("removeValue", String.class).getReturnType()).isEqualTo(void.class);
    assertThat(method("getSessionContext").getReturnType().getName())
        .isEqualTo("jakarta.servlet.http.HttpSessionContext");
  }

  @Test
  void loadsOnServlet6_whereServlet5sSessionContextTypeIsMissing() throws Exception {
    try (Servlet6Loader loader = new Servlet6Loader(getClass().getClassLoader())) {
      // Initializing links and verifies the class: a type it needs to verify would be loaded now.
      Class<?> session = Class.forName(DysessionHttpSession.class.getName(), true, loader);
      assertThat(session.getClassLoader()).isSameAs(loader);
      assertThatThrownBy(() -> loader.loadClass("jakarta.servlet.http.HttpSessionContext"))
          .isInstanceOf(ClassNotFoundException.class);
    }
  }

  /**
   * Loads dysession's classes itself and hides Servlet 5's HttpSessionContext, as Servlet 6 does.
   */
  private static final class Servlet6Loader extends java.net.URLClassLoader {
    Servlet6Loader(ClassLoader parent) {
      super(new java.net.URL[0], parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        if (name.equals("jakarta.servlet.http.HttpSessionContext")) {
          throw new ClassNotFoundException(name);
        }
        if (!name.startsWith("io.github.dysession.")) {
          return super.loadClass(name, resolve);
        }
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try (java.io.InputStream in =
              getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            loaded = defineClass(name, bytes, 0, bytes.length);
          } catch (java.io.IOException e) {
            throw new ClassNotFoundException(name, e);
          }
        }
        return loaded;
      }
    }
  }

  private static Method method(String name, Class<?>... parameters) throws NoSuchMethodException {
    Method method = DysessionHttpSession.class.getMethod(name, parameters);
    assertThat(java.lang.reflect.Modifier.isPublic(method.getModifiers())).isTrue();
    return method;
  }

  /** A store this test never reaches: new sessions are only written when a request saves. */
  private static final class UnusedStore implements SessionStore {
    @Override
    public Optional<SessionData> load(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void create(SessionData session) {
      throw new UnsupportedOperationException();
    }

    @Override
    public io.github.dysession.store.SaveOutcome save(SessionChanges changes) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void delete(String id) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<SessionData> changeId(String oldId, String newId) {
      throw new UnsupportedOperationException();
    }
  }
}
