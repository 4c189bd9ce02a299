package io.github.dysession.cdi;

import io.github.dysession.config.DysessionSettings;
import jakarta.enterprise.inject.spi.BeanManager;
import java.util.List;

/**
 * What dysession knows of the CDI implementation it runs on (Weld or OpenWebBeans): which one it
 * is, the bean class its synthetic beans need, its own {@code @SessionScoped} context's switch and
 * its conversations' bridge, and the message when it is neither.
 */
final class CdiImplementation {

  private final BeanManager beanManager;

  CdiImplementation(BeanManager beanManager) {
    this.beanManager = beanManager;
  }

  /** Whether the CDI implementation is OpenWebBeans: its classes are visible and Weld's are not. */
  boolean isOpenWebBeans() {
    return !WeldSessionContextSwitch.isAvailable(beanManager)
        && OwbSessionContextSwitch.isAvailable(DysessionExtension.class.getClassLoader());
  }

  /**
   * The bean class of a normal-scoped synthetic bean of type {@code type}. OpenWebBeans makes the
   * client proxy a subclass of the bean class and casts the instance to it, so there it must be the
   * type itself; on Weld, which builds proxies from the bean types, it stays the extension's class.
   */
  Class<?> beanClassFor(Class<?> type) {
    return isOpenWebBeans() ? type : DysessionExtension.class;
  }

  /** The CDI implementation's loader: Weld's conversation objects live in its own modules. */
  List<ClassLoader> frameworkLoaders() {
    ClassLoader loader = beanManager.getClass().getClassLoader();
    return loader == null ? List.of() : List.of(loader);
  }

  /** Finds the switch for this CDI implementation's own session context, or fails loudly. */
  BuiltInSessionContextSwitch sessionContextSwitch(DysessionSessionContext context, String server) {
    BuiltInSessionContextSwitch weld = WeldSessionContextSwitch.find(beanManager);
    if (weld != null) {
      return weld;
    }
    if (isOpenWebBeans()) {
      return owbSessionContext(context);
    }
    throw new IllegalStateException(unsupported(server));
  }

  // A method of its own, so that the OpenWebBeans switch is loaded only where OpenWebBeans is.
  private static BuiltInSessionContextSwitch owbSessionContext(DysessionSessionContext context) {
    return OwbSessionContextSwitch.find(context);
  }

  /** Weld's conversations in dysession's session, or null where the switch is not Weld's. */
  WeldConversations conversations(BuiltInSessionContextSwitch builtIn) {
    return builtIn instanceof WeldSessionContextSwitch ? WeldConversations.find(beanManager) : null;
  }

  /**
   * Returns null when dysession has a switch for the CDI implementation's own session context, else
   * why not. Judged by which implementation's classes are visible, so it can run at deployment.
   */
  String missingSessionContextSwitch() {
    if (WeldSessionContextSwitch.isAvailable(beanManager)
        || OwbSessionContextSwitch.isAvailable(DysessionExtension.class.getClassLoader())) {
      return null;
    }
    return unsupported(null);
  }

  private String unsupported(String server) {
    Package cdi = beanManager.getClass().getPackage();
    String implementation =
        beanManager.getClass().getName()
            + (cdi != null && cdi.getImplementationTitle() != null
                ? ", " + cdi.getImplementationTitle() + " " + cdi.getImplementationVersion()
                : "");
    return "dysession cannot take over @SessionScoped "
        + (server == null ? "on this server" : "on " + server)
        + ": its CDI implementation ("
        + implementation
        + ") is neither Weld ("
        + WeldSessionContextSwitch.SESSION_CONTEXT
        + " not visible) nor OpenWebBeans ("
        + OwbSessionContextSwitch.CONTEXTS_SERVICE
        + " not visible), the two whose own session context dysession can switch off, so"
        + " session-scoped beans would silently stay in the container's own session. Supported:"
        + " Weld (Payara, WildFly, GlassFish, Open Liberty) and OpenWebBeans (TomEE). Or set "
        + DysessionSettings.ENABLED
        + "=false.";
  }
}
