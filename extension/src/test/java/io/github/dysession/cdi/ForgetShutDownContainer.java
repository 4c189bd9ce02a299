package io.github.dysession.cdi;

import org.jboss.weld.junit5.WeldJunit5Extension;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Works around weld-junit5 4.0.3 on JUnit 5.13+: JUnit closes the {@code WeldContainer} that
 * weld-junit left in the extension store after shutting it down itself, which fails every test with
 * WELD-ENV-002002 "already shut down" (weld/weld-testing#264, fixed in 4.0.4.Final). Declared
 * before {@code @EnableWeld}, its callback runs after weld-junit's and takes the container out of
 * the store. Harmless with a fixed weld-junit.
 */
public final class ForgetShutDownContainer implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    context
        .getStore(
            ExtensionContext.Namespace.create(
                WeldJunit5Extension.class, context.getRequiredTestClass()))
        .remove("weldContainer");
  }
}
