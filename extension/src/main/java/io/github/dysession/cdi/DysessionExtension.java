package io.github.dysession.cdi;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.RequiredApis;
import io.github.dysession.logging.DysessionLogging;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.servlet.SessionRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.inject.Provider;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessSyntheticBean;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The portable extension that wires dysession into a CDI application: it reads and validates the
 * settings, sets up logging, and adds the {@code @Dysession} beans {@link DysessionSettings},
 * {@link DynamoDbClient} and {@link SessionStore} (each unless the application produces its own), the
 * {@code @SessionScoped} context, and the {@code @Dysession HttpSession} behind {@code @Inject HttpSession}.
 */
public class DysessionExtension implements Extension {

  private static final Logger LOG = Logger.getLogger(DysessionExtension.class.getName());

  private DysessionSettings settings;
  private RuntimeException settingsProblem;
  private boolean applicationClient;
  private boolean applicationStore;
  // The application's own beans, used by reference: looked up by type from dysession's jar they
  // would be invisible on servers that keep WEB-INF/classes and WEB-INF/lib apart (Payara).
  private volatile Bean<?> applicationClientBean;
  private volatile Bean<?> applicationStoreBean;
  private volatile BeanManager beanManager;
  private DysessionSessionContext sessionContext;
  private CdiSessionScopeBridge bridge;
  // A jakarta.json.bind.Jsonb; typed loosely so that no method or field of this class names an
  // optional API (the CDI implementation inspects them before readSettings can report it missing).
  private AutoCloseable jsonb;
  private volatile String serverInfo;
  private volatile boolean beansRegistered;
  // Jakarta Security's mechanism, identity store and identity store handler types, when the
  // application can see them (beans.xml leaves the interceptor out of discovery where it cannot).
  private List<Class<?>> loginTypes = List.of();
  // The stored names of the application's own authentication mechanisms (and their superclasses).
  private final java.util.Set<String> ownMechanisms = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Reads and validates the settings before any bean is discovered. */
  void readSettings(@Observes BeforeBeanDiscovery event) {
    String missing = RequiredApis.problem(DysessionExtension.class.getClassLoader(), false);
    if (missing != null) {
      settingsProblem = new IllegalStateException(missing);
      return;
    }
    try {
      settings = DysessionSettings.from(OptionalApis.source());
    } catch (RuntimeException e) {
      settingsProblem = e;
    }
    loginTypes = OptionalApis.securityTypes();
  }

  /**
   * Binds dysession's login interceptor to every authentication mechanism and identity store, the
   * application's and the server's, so that a login holds on every instance.
   */
  void shareLogins(@Observes ProcessAnnotatedType<?> event) {
    if (loginTypes.isEmpty() || !enabled()) {
      return;
    }
    Class<?> type = event.getAnnotatedType().getJavaClass();
    for (Class<?> loginType : loginTypes) {
      if (loginType.isAssignableFrom(type) && !type.isInterface()) {
        event.configureAnnotatedType().add(io.github.dysession.security.SharedLogin.Literal.INSTANCE);
        if (loginType == loginTypes.get(0)) {
          for (Class<?> c = type; c != null && loginType.isAssignableFrom(c); c = c.getSuperclass()) {
            String name = io.github.dysession.servlet.LoginMechanisms.nameOf(c);
            if (!io.github.dysession.servlet.LoginMechanisms.isServers(name)) {
              ownMechanisms.add(name);
            }
          }
        }
        return;
      }
    }
  }

  /**
   * Whether a login stored by the mechanism named {@code name} (as {@code LoginMechanisms} names
   * it) still holds in this application: one by a server's built-in mechanism, or by one of the
   * application's own mechanisms that it still has.
   */
  public boolean honoursLoginsBy(String name) {
    return io.github.dysession.servlet.LoginMechanisms.isServers(name) || ownMechanisms.contains(name);
  }

  private boolean enabled() {
    return settings == null || settings.enabled();
  }

  /**
   * Points every {@code @Inject HttpSession} (also {@code Instance<HttpSession>} and
   * {@code Provider<HttpSession>}) without other qualifiers at dysession's session: the built-in
   * bean would return the container's own.
   */
  void redirectHttpSessionInjection(@Observes ProcessInjectionPoint<?, ?> event) {
    if (!enabled()) {
      return;
    }
    InjectionPoint point = event.getInjectionPoint();
    if (!isHttpSession(point.getType())) {
      return;
    }
    Set<Annotation> qualifiers = point.getQualifiers();
    boolean plain = qualifiers.isEmpty()
        || (qualifiers.size() == 1 && qualifiers.iterator().next().annotationType() == Default.class);
    if (plain) {
      event.configureInjectionPoint().qualifiers(Dysession.Literal.INSTANCE);
    }
  }

  private static boolean isHttpSession(Type type) {
    if (type == HttpSession.class) {
      return true;
    }
    return type instanceof ParameterizedType p
        && (p.getRawType() == Instance.class || p.getRawType() == Provider.class)
        && p.getActualTypeArguments()[0] == HttpSession.class;
  }

  /**
   * Notes whether the application produces its own {@code @Dysession DynamoDbClient} or its own
   * {@code @Dysession SessionStore}; dysession then uses the application's.
   */
  void detectApplicationClient(@Observes ProcessBean<?> event) {
    if (isOwnBean(event)) {
      return;
    }
    if (!event.getBean().getQualifiers().contains(Dysession.Literal.INSTANCE)) {
      return;
    }
    if (event.getBean().getTypes().contains(DynamoDbClient.class)) {
      applicationClient = true;
      applicationClientBean = event.getBean();
    }
    if (event.getBean().getTypes().contains(SessionStore.class)) {
      applicationStore = true;
      applicationStoreBean = event.getBean();
    }
  }

  /**
   * Whether a bean is one of those {@link #registerBeans} added. The event's source alone does not
   * tell on OpenWebBeans: it deploys configured beans after all observers ran and names the last
   * extension as their source. Beans announced after {@link #registerBeans} cannot change its
   * decision anyway.
   */
  private boolean isOwnBean(ProcessBean<?> event) {
    return beansRegistered
        || (event instanceof ProcessSyntheticBean<?> synthetic && synthetic.getSource() == this);
  }

  /**
   * The bean class of a normal-scoped synthetic bean of type {@code type}. OpenWebBeans makes the
   * client proxy a subclass of the bean class and casts the instance to it, so there it must be the
   * type itself; on Weld, which builds proxies from the bean types, it stays the extension's class.
   */
  private Class<?> beanClassFor(Class<?> type) {
    return isOpenWebBeans() ? type : DysessionExtension.class;
  }

  /** Whether the CDI implementation is OpenWebBeans: its classes are visible and Weld's are not. */
  private boolean isOpenWebBeans() {
    return !WeldSessionContextSwitch.isAvailable(beanManager)
        && OwbSessionContextSwitch.isAvailable(DysessionExtension.class.getClassLoader());
  }

  /** Reads the settings and adds dysession's beans and its {@code @SessionScoped} context. */
  void registerBeans(@Observes AfterBeanDiscovery event, BeanManager manager) {
    this.beanManager = manager;
    // With invalid settings the beans are still added, so that the deployment fails with the
    // settings problem (reported in validate) rather than with unsatisfied @Dysession injection
    // points; none of them is ever created.
    if (!enabled()) {
      return;
    }
    DysessionSettings current = settings;
    event.addBean()
        .beanClass(DysessionExtension.class)
        .types(DysessionSettings.class, Object.class)
        .qualifiers(Dysession.Literal.INSTANCE)
        .scope(Dependent.class)
        .createWith(c -> current);
    if (!applicationClient) {
      event.addBean()
          .beanClass(beanClassFor(DynamoDbClient.class))
          .types(DynamoDbClient.class, AutoCloseable.class, Object.class)
          .qualifiers(Dysession.Literal.INSTANCE)
          .scope(ApplicationScoped.class)
          .createWith(c -> DynamoDbClientFactory.create(current.dynamoDb()))
          .destroyWith((client, c) -> ((DynamoDbClient) client).close());
    }
    if (!applicationStore) {
      event.addBean()
          .beanClass(beanClassFor(SessionStore.class))
          .types(SessionStore.class, Object.class)
          .qualifiers(Dysession.Literal.INSTANCE)
          .scope(ApplicationScoped.class)
          .produceWith(beans -> new DynamoDbSessionStore(client(beans), current.dynamoDb()));
    }
    beansRegistered = true;
    sessionContext = new DysessionSessionContext(() -> beanManager);
    event.addContext(sessionContext);
    event.addBean()
        .beanClass(beanClassFor(HttpSession.class))
        .types(HttpSession.class, Object.class)
        .qualifiers(Dysession.Literal.INSTANCE)
        .scope(RequestScoped.class)
        .createWith(c -> bridge().currentSession());
  }

  /**
   * Returns what dysession's filter needs for a web application: the store, the codec (with the
   * application's class loader) and the CDI bridge; null when dysession is switched off.
   *
   * @throws IllegalStateException when the settings are invalid or the CDI implementation is not
   *     supported, so that requests fail instead of sessions silently falling back into the
   *     container
   */
  synchronized SessionRuntime runtime(ServletContext servletContext) {
    if (settingsProblem != null) {
      throw new IllegalStateException(settingsProblem.getMessage(), settingsProblem);
    }
    if (settings == null) {
      throw new IllegalStateException("the dysession CDI extension has not read its settings yet");
    }
    if (!settings.enabled()) {
      return null;
    }
    serverInfo = servletContext.getServerInfo();
    SessionStore store = applicationStoreBean != null
        ? reference(applicationStoreBean, SessionStore.class)
        : beanManager.createInstance().select(SessionStore.class, Dysession.Literal.INSTANCE).get();
    ClassLoader applicationLoader = servletContext.getClassLoader();
    if (applicationLoader == null) {
      applicationLoader = Thread.currentThread().getContextClassLoader();
    }
    if (jsonb == null) {
      jsonb = OptionalApis.newJsonb();
    }
    // The CDI implementation's loader: Weld's conversation objects live in its own modules.
    List<ClassLoader> frameworks = beanManager.getClass().getClassLoader() == null
        ? List.of() : List.of(beanManager.getClass().getClassLoader());
    AttributeCodec codec = new AttributeCodec(OptionalApis.jsonb(jsonb), applicationLoader,
        settings.allowedClasses(), frameworks);
    return new SessionRuntime(store, codec, settings, bridge());
  }

  /** The {@code @Dysession DynamoDbClient}: the application's if it produces one, else dysession's. */
  private DynamoDbClient client(Instance<Object> beans) {
    Bean<?> own = applicationClientBean;
    return own != null
        ? reference(own, DynamoDbClient.class)
        : beans.select(DynamoDbClient.class, Dysession.Literal.INSTANCE).get();
  }

  /**
   * A reference to one of the application's beans, by its {@code Bean} rather than by type: Weld on
   * Payara does not let a library jar's bean manager resolve beans of {@code WEB-INF/classes}.
   */
  private <T> T reference(Bean<?> bean, Class<T> type) {
    return type.cast(beanManager.getReference(bean, type, beanManager.createCreationalContext(bean)));
  }

  private synchronized CdiSessionScopeBridge bridge() {
    if (bridge == null) {
      BuiltInSessionContextSwitch builtIn = builtInSessionContext();
      bridge = new CdiSessionScopeBridge(sessionContext, beanManager, builtIn,
          builtIn instanceof WeldSessionContextSwitch ? WeldConversations.find(beanManager) : null);
    }
    return bridge;
  }

  /** Finds the switch for this CDI implementation's own session context, or fails loudly. */
  private BuiltInSessionContextSwitch builtInSessionContext() {
    BuiltInSessionContextSwitch weld = WeldSessionContextSwitch.find(beanManager);
    if (weld != null) {
      return weld;
    }
    if (isOpenWebBeans()) {
      return owbSessionContext(sessionContext);
    }
    throw new IllegalStateException(unsupportedCdi(serverInfo));
  }

  // A method of its own, so that the OpenWebBeans switch is loaded only where OpenWebBeans is.
  private static BuiltInSessionContextSwitch owbSessionContext(DysessionSessionContext context) {
    return OwbSessionContextSwitch.find(context);
  }

  /**
   * Returns null when dysession has a switch for the CDI implementation's own session context, else
   * why not. Judged by which implementation's classes are visible, so it can run at deployment.
   */
  private String missingSessionContextSwitch() {
    if (WeldSessionContextSwitch.isAvailable(beanManager)
        || OwbSessionContextSwitch.isAvailable(DysessionExtension.class.getClassLoader())) {
      return null;
    }
    return unsupportedCdi(null);
  }

  private String unsupportedCdi(String server) {
    Package cdi = beanManager.getClass().getPackage();
    String implementation = beanManager.getClass().getName()
        + (cdi != null && cdi.getImplementationTitle() != null
            ? ", " + cdi.getImplementationTitle() + " " + cdi.getImplementationVersion() : "");
    return "dysession cannot take over @SessionScoped " + (server == null ? "on this server" : "on " + server)
        + ": its CDI implementation (" + implementation + ") is neither Weld (" + WeldSessionContextSwitch.SESSION_CONTEXT
        + " not visible) nor OpenWebBeans (" + OwbSessionContextSwitch.CONTEXTS_SERVICE + " not visible), "
        + "the two whose own session context dysession can switch off, so session-scoped beans would "
        + "silently stay in the container's own session. Supported: Weld (Payara, WildFly, GlassFish, "
        + "Open Liberty) and OpenWebBeans (TomEE). Or set " + DysessionSettings.ENABLED + "=false.";
  }

  /** Fails deployment on invalid settings, logs the effective ones, and creates the table if asked. */
  void validate(@Observes AfterDeploymentValidation event, BeanManager beans) {
    if (settingsProblem != null) {
      event.addDeploymentProblem(new DeploymentException(settingsProblem.getMessage(), settingsProblem));
      return;
    }
    if (!settings.enabled()) {
      LOG.info(() -> "dysession is disabled (" + DysessionSettings.ENABLED + "=false)");
      return;
    }
    try {
      DysessionLogging.configure(settings);
    } catch (IllegalStateException e) {
      event.addDeploymentProblem(new DeploymentException(e.getMessage(), e));
      return;
    }
    String missing = missingSessionContextSwitch();
    if (missing != null) {
      event.addDeploymentProblem(new DeploymentException(missing));
      return;
    }
    LOG.info(() -> "dysession stores sessions in DynamoDB: " + settings.describe()
        + (applicationClient ? " client=application's" : "")
        + (applicationStore ? " store=application's" : ""));
    if (settings.createTable()) {
      try {
        DynamoDbClient client = client(beans.createInstance());
        new DynamoDbTableAdmin(client, settings.dynamoDb()).init();
      } catch (RuntimeException e) {
        event.addDeploymentProblem(new DeploymentException("dysession could not create table '"
            + settings.tableName() + "' (" + DysessionSettings.CREATE_TABLE + "=true): "
            + e.getMessage(), e));
      }
    }
  }

  /** Closes the JSON-B instance and hands dysession's log records back to the server's log. */
  void shutDown(@Observes BeforeShutdown event) {
    synchronized (this) {
      if (jsonb != null) {
        try {
          jsonb.close();
        } catch (Exception e) {
          LOG.fine(() -> "Closing JSON-B failed: " + e);
        }
        jsonb = null;
      }
    }
    DysessionLogging.reset();
  }

  /** Returns the settings read at deployment, or null before or when they were invalid. */
  public DysessionSettings settings() {
    return settings;
  }
}
