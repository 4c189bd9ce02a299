package io.github.dysession.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.context.SessionScoped;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.context.spi.Contextual;
import jakarta.enterprise.context.spi.CreationalContext;
import org.apache.webbeans.config.WebBeansContext;
import org.apache.webbeans.context.SessionContext;
import org.apache.webbeans.web.context.WebContextsService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tests the OpenWebBeans switch against OpenWebBeans' real web contexts service (the one TomEE's
 * extends), without a servlet container: no request context is active, as on a thread outside one.
 */
class OwbSessionContextSwitchTest {

  private final WebBeansContext owb = new WebBeansContext();
  private final WebContextsService contexts = new WebContextsService(owb);
  private final DysessionSessionContext dysession = new DysessionSessionContext(() -> null);
  private final OwbSessionContextSwitch owbSwitch =
      new OwbSessionContextSwitch(owb, contexts, dysession);

  @AfterEach
  void clearThread() {
    contexts.removeThreadLocals();
  }

  @Test
  void suspend_parksAnInactiveSessionContextSoOpenWebBeansFallsBackToDysessions() {
    assertThat(owbSwitch.suspend()).isTrue();

    Context parked = contexts.getCurrentContext(SessionScoped.class, false);
    assertThat(parked).isInstanceOf(SessionContext.class);
    assertThat(parked.isActive()).isFalse();
    // The lookup that would otherwise start a context from a container session finds the parked
    // one.
    assertThat(contexts.getCurrentContext(SessionScoped.class)).isSameAs(parked);
  }

  @Test
  void parkedContext_handsLookupsToDysessionsContext() {
    owbSwitch.suspend();
    Context parked = contexts.getCurrentContext(SessionScoped.class, false);
    Contextual<Object> bean =
        new Contextual<>() {
          @Override
          public Object create(CreationalContext<Object> creationalContext) {
            return new Object();
          }

          @Override
          public void destroy(Object instance, CreationalContext<Object> creationalContext) {}
        };

    // OpenWebBeans' conversation manager reads its storage bean from the parked context without
    // asking whether it is active: the lookup reaches dysession's context, here outside a request.
    assertThatThrownBy(() -> parked.get(bean))
        .isInstanceOf(ContextNotActiveException.class)
        .hasMessageContaining("dysession's filter");
  }

  @Test
  void resume_whenTheSlotWasEmpty_leavesTheParkedContextInactive() {
    owbSwitch.suspend();
    owbSwitch.resume();

    Context after = contexts.getCurrentContext(SessionScoped.class, false);
    assertThat(after).isNotNull();
    assertThat(after.isActive()).isFalse();
  }

  @Test
  void suspendAndResume_aroundAnActiveContext_putItBackActive() {
    SessionContext containerContext = new SessionContext();
    containerContext.setActive(true);
    OwbSessionContextSwitch.install(contexts, containerContext);

    owbSwitch.suspend();
    Context during = contexts.getCurrentContext(SessionScoped.class, false);
    assertThat(during).isNotSameAs(containerContext);
    assertThat(during.isActive()).isFalse();
    owbSwitch.resume();

    assertThat(contexts.getCurrentContext(SessionScoped.class, false)).isSameAs(containerContext);
    assertThat(containerContext.isActive()).isTrue();
  }

  @Test
  void isAvailable_findsOpenWebBeansOnlyWhereItsClassesAre() {
    assertThat(OwbSessionContextSwitch.isAvailable(getClass().getClassLoader())).isTrue();
    assertThat(OwbSessionContextSwitch.isAvailable(ClassLoader.getPlatformClassLoader())).isFalse();
  }
}
