package io.github.dysession.codec;

import java.io.ObjectInputFilter;
import java.util.List;
import java.util.Objects;

/**
 * Decides which classes Java deserialization may instantiate: JDK classes of {@code java.base} and
 * {@code java.sql}, classes the application itself defines, CDI implementation proxies of beans,
 * the state classes of the Jakarta Faces implementations (Mojarra, MyFaces: what they keep in the
 * session, such as server-side view state, view-scoped bean maps and the Flash), and classes
 * matching configured patterns. Known gadget classes are refused even then.
 *
 * <p>"Defined by the application" means defined by the application's class loader or a child of it,
 * or by the loader that defined dysession's own classes when the application sees dysession through
 * it (dysession in {@code WEB-INF/lib}: that loader is the web module's). The second rule is needed
 * where the loader a server hands out is a wrapper that is neither the defining loader of the
 * application's classes nor an ancestor of it: Open Liberty's {@code
 * ServletContext.getClassLoader()} is a {@code ThreadContextClassLoader} that delegates to the
 * module's {@code AppClassLoader} without being its parent or child.
 */
final class SerializationFilter implements ObjectInputFilter {

  private static final long MAX_DEPTH = 100;
  private static final long MAX_REFERENCES = 1_000_000;
  private static final long MAX_ARRAY_LENGTH = 16 * 1024 * 1024;

  private static final List<String> DENIED_PREFIXES =
      List.of(
          "org.apache.commons.collections.functors.",
          "org.apache.commons.collections4.functors.",
          "org.apache.commons.beanutils.BeanComparator",
          "org.codehaus.groovy.runtime.",
          "org.apache.xalan.",
          "com.sun.org.apache.xalan.",
          "com.mchange.v2.c3p0.",
          "org.python.core.",
          "bsh.",
          "clojure.",
          "org.springframework.beans.factory.",
          // Interceptor chains that invoke a method of the stream's choosing (ysoserial's
          // JavassistWeld1 and JBossInterceptors1).
          "org.jboss.weld.interceptor.",
          "org.jboss.interceptor.",
          // Evaluates an EL expression from hashCode (ysoserial's Myfaces1 and Myfaces2).
          "org.apache.myfaces.view.facelets.el.ValueExpressionMethodExpression");

  // The Jakarta Faces API and implementations: the state they keep in the session. Their EL
  // implementations (org.apache.el, com.sun.el, org.glassfish.expressly) stay out.
  private static final List<String> FACES_PREFIXES =
      List.of("jakarta.faces.", "javax.faces.", "com.sun.faces.", "org.apache.myfaces.");

  // Serialized forms of what beans hold as fields and frameworks' bean holders keep: CDI client
  // proxies, bean identifiers, creational contexts and bean managers. Each names its object by id
  // and resolves to the running container's own (none runs code of the stream's choosing).
  private static final List<String> CDI_PREFIXES =
      List.of(
          "org.jboss.weld.bean.proxy.util.SerializableClientProxy",
          "org.jboss.weld.bean.StringBeanIdentifier",
          "org.jboss.weld.bean.ManagedBeanIdentifier",
          "org.jboss.weld.annotated.slim.",
          "org.jboss.weld.contexts.CreationalContextImpl",
          "org.jboss.weld.contexts.SerializableContextualInstanceImpl",
          "org.jboss.weld.contexts.SerializableContextualFactory$",
          "org.jboss.weld.contexts.SerializableContextualImpl",
          // Conversations: their ids, id generator and the lock store of the session's bean stores.
          "org.jboss.weld.contexts.conversation.ConversationImpl",
          "org.jboss.weld.contexts.conversation.ConversationIdGenerator",
          "org.jboss.weld.contexts.beanstore.LockStore",
          "org.jboss.weld.bean.builtin.BeanManagerProxy",
          "org.jboss.weld.util.ForwardingBeanManager",
          "org.jboss.weld.manager.BeanManagerImpl",
          "org.jboss.weld.bean.builtin.AbstractFacade$AbstractFacadeSerializationProxy",
          "org.jboss.weld.bean.builtin.InstanceImpl",
          "org.jboss.weld.event.EventImpl",
          "org.jboss.weld.serialization.",
          "org.jboss.weld.injection.FieldInjectionPoint",
          "org.jboss.weld.injection.ParameterInjectionPointImpl",
          "org.jboss.weld.injection.EmptyInjectionPoint",
          "org.jboss.weld.injection.attributes.",
          "org.jboss.weld.bean.builtin.FacadeInjectionPoint",
          "org.jboss.weld.util.collections.Immutable",
          "org.apache.webbeans.proxy.",
          "org.apache.webbeans.container.InjectableBeanManager",
          "org.apache.webbeans.context.creational.",
          // OpenWebBeans' conversations (kept in a session-scoped set of their contexts).
          "org.apache.webbeans.context.ConversationContext",
          "org.apache.webbeans.context.PassivatingContext",
          "org.apache.webbeans.context.AbstractContext",
          "org.apache.webbeans.conversation.ConversationImpl",
          "org.apache.webbeans.intercept.NormalScopedBeanInterceptorHandler",
          "org.apache.webbeans.intercept.ApplicationScopedBeanInterceptorHandler",
          "org.apache.webbeans.intercept.SessionScopedBeanInterceptorHandler",
          "org.apache.webbeans.intercept.RequestScopedBeanInterceptorHandler",
          // The CDI API's values: annotation literals and qualifiers of injection points.
          "jakarta.enterprise.",
          "jakarta.inject.");

  private final ClassLoader applicationLoader;

  /** dysession's own defining loader if the application sees dysession through it, else null. */
  private final ClassLoader libraryLoader;

  private final ObjectInputFilter configured;

  /**
   * Creates the filter.
   *
   * @param applicationLoader the application's class loader: classes it (or a child) defines are
   *     the application's own, and so are those of the loader that defined dysession's classes if
   *     {@code applicationLoader} resolves dysession's classes to that very loader's
   * @param patterns extra allowed class patterns in {@link ObjectInputFilter.Config#createFilter}
   *     syntax, such as {@code com.example.**}
   */
  SerializationFilter(ClassLoader applicationLoader, List<String> patterns) {
    this.applicationLoader = applicationLoader;
    this.libraryLoader = libraryLoaderSeenBy(applicationLoader);
    this.configured =
        patterns.isEmpty()
            ? null
            : ObjectInputFilter.Config.createFilter(String.join(";", patterns));
  }

  /** Returns a filter for one stream that remembers why it refused something. */
  Recorder recorder() {
    return new Recorder();
  }

  /** A per-stream filter that keeps the reason of its first refusal for the error message. */
  final class Recorder implements ObjectInputFilter {
    private String rejection;

    @Override
    public Status checkInput(FilterInfo info) {
      Status status = SerializationFilter.this.checkInput(info);
      if (status == Status.REJECTED && rejection == null) {
        rejection = reason(info);
      }
      return status;
    }

    String rejection() {
      return rejection;
    }
  }

  private String reason(FilterInfo info) {
    if (info.depth() > MAX_DEPTH) {
      return "object graph nested deeper than " + MAX_DEPTH + " levels";
    }
    if (info.references() > MAX_REFERENCES) {
      return "more than " + MAX_REFERENCES + " object references";
    }
    if (info.arrayLength() > MAX_ARRAY_LENGTH) {
      return "an array longer than " + MAX_ARRAY_LENGTH + " elements";
    }
    Class<?> type = info.serialClass();
    while (type != null && type.isArray()) {
      type = type.getComponentType();
    }
    if (type == null) {
      return "a class that is not on the deserialization allow-list";
    }
    String name = type.getName();
    if (isDenied(name)) {
      return "class "
          + name
          + " is a known deserialization gadget, refused by the allow-list whatever the settings";
    }
    int dot = name.lastIndexOf('.');
    return "class "
        + name
        + " is not on the deserialization allow-list (if it is safe, add it to "
        + "dysession.serialization.allowed-classes: "
        + name
        + (dot > 0 ? ", or " + name.substring(0, dot) + ".* for its package" : "")
        + ")";
  }

  @Override
  public Status checkInput(FilterInfo info) {
    if (info.depth() > MAX_DEPTH
        || info.references() > MAX_REFERENCES
        || info.arrayLength() > MAX_ARRAY_LENGTH) {
      return Status.REJECTED;
    }
    Class<?> type = info.serialClass();
    if (type == null) {
      return Status.UNDECIDED;
    }
    while (type.isArray()) {
      type = type.getComponentType();
    }
    return isAllowed(type) ? Status.ALLOWED : Status.REJECTED;
  }

  /** Returns whether instances of {@code type} may be deserialized. */
  boolean isAllowed(Class<?> type) {
    if (type.isPrimitive()) {
      return true;
    }
    String name = type.getName();
    if (isDenied(name)) {
      return false;
    }
    if (configured != null && configured.checkInput(new ClassOnly(type)) == Status.ALLOWED) {
      return true;
    }
    Module module = type.getModule();
    if (module.isNamed()
        && (module.getName().equals("java.base") || module.getName().equals("java.sql"))) {
      return true;
    }
    for (String cdi : CDI_PREFIXES) {
      if (name.startsWith(cdi)) {
        return true;
      }
    }
    for (String faces : FACES_PREFIXES) {
      if (name.startsWith(faces)) {
        return true;
      }
    }
    return isDefinedByApplication(type);
  }

  private static boolean isDenied(String name) {
    for (String denied : DENIED_PREFIXES) {
      if (name.startsWith(denied)) {
        return true;
      }
    }
    return false;
  }

  private boolean isDefinedByApplication(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    if (loader == null || applicationLoader == null) {
      return false;
    }
    for (ClassLoader l = loader; l != null; l = l.getParent()) {
      if (l == applicationLoader || l == libraryLoader) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the loader that defined dysession's classes if {@code applicationLoader} resolves them
   * to exactly these classes (the application sees this copy of dysession), else null.
   */
  static ClassLoader libraryLoaderSeenBy(ClassLoader applicationLoader) {
    ClassLoader own = SerializationFilter.class.getClassLoader();
    if (applicationLoader == null || own == null) {
      return null;
    }
    try {
      Class<?> seen = Class.forName(SerializationFilter.class.getName(), false, applicationLoader);
      return seen == SerializationFilter.class ? own : null;
    } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
      // A loader that cannot (or will not) resolve dysession does not see this copy.
      return null;
    }
  }

  /** Lets the JDK's pattern filter judge one class. */
  private record ClassOnly(Class<?> serialClass) implements FilterInfo {
    ClassOnly {
      Objects.requireNonNull(serialClass);
    }

    @Override
    public long arrayLength() {
      return -1;
    }

    @Override
    public long depth() {
      return 1;
    }

    @Override
    public long references() {
      return 1;
    }

    @Override
    public long streamBytes() {
      return 0;
    }
  }
}
