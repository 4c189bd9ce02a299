package io.github.dysession.cdi;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.RequiredApis;
import io.github.dysession.logging.DysessionLogging;
import io.github.dysession.servlet.SessionRuntime;
import io.github.dysession.store.Operations;
import io.github.dysession.store.SessionStore;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AfterDeploymentValidation;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.BeforeShutdown;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.enterprise.inject.spi.ProcessSyntheticBean;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpSession;
import java.lang.annotation.Annotation;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The portable extension that wires dysession into a CDI application. It only collects and
 * registers: it reads and validates the settings, sets up logging, binds the login interceptor, and
 * adds the {@code @Dysession} beans {@link DysessionSettings}, {@link DynamoDbClient} and {@link
 * SessionStore} (each unless the application produces its own; see {@link DynamoDbBeans}), the
 * {@code @SessionScoped} context, and the {@code @Dysession HttpSession} behind {@code @Inject
 * HttpSession}. What depends on the CDI implementation is in {@link CdiImplementation}.
 */
public class DysessionExtension implements Extension {

  private static final Logger LOG = Logger.getLogger(DysessionExtension.class.getName());

  private DysessionSettings settings;
  private RuntimeException settingsProblem;
  // What the store, the client and the filter report, for a metrics bean to hear.
  private final Operations operations = new Operations();
  // The same as a JMX MXBean, on every server.
  private final io.github.dysession.jmx.JmxMetrics jmx = new io.github.dysession.jmx.JmxMetrics();

  {
    operations.listen(jmx);
  }

  private final DynamoDbBeans dynamoDb = new DynamoDbBeans(operations);
  private volatile BeanManager beanManager;
  private volatile CdiImplementation cdi;
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
  private final java.util.Set<String> ownMechanisms =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

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
    String telemetry = OptionalApis.telemetryProblem();
    if (telemetry != null && enabled()) {
      LOG.warning(telemetry);
    }
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
        event
            .configureAnnotatedType()
            .add(io.github.dysession.security.SharedLogin.Literal.INSTANCE);
        if (loginType == loginTypes.get(0)) {
          for (Class<?> c = type;
              c != null && loginType.isAssignableFrom(c);
              c = c.getSuperclass()) {
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
    return io.github.dysession.servlet.LoginMechanisms.isServers(name)
        || ownMechanisms.contains(name);
  }

  private boolean enabled() {
    return settings == null || settings.enabled();
  }

  /**
   * Points every {@code @Inject HttpSession} (also {@code Instance<HttpSession>} and {@code
   * Provider<HttpSession>}) without other qualifiers at dysession's session: the built-in bean
   * would return the container's own.
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
    boolean plain =
        qualifiers.isEmpty()
            || (qualifiers.size() == 1
                && qualifiers.iterator().next().annotationType() == Default.class);
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
    if (event.getBean().getQualifiers().contains(Dysession.Literal.INSTANCE)) {
      dynamoDb.notice(event.getBean());
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

  /** Reads the settings and adds dysession's beans and its {@code @SessionScoped} context. */
  void registerBeans(@Observes AfterBeanDiscovery event, BeanManager manager) {
    this.beanManager = manager;
    this.cdi = new CdiImplementation(manager);
    // With invalid settings the beans are still added, so that the deployment fails with the
    // settings problem (reported in validate) rather than with unsatisfied @Dysession injection
    // points; none of them is ever created.
    if (!enabled()) {
      return;
    }
    DysessionSettings current = settings;
    event
        .addBean()
        .beanClass(DysessionExtension.class)
        .types(DysessionSettings.class, Object.class)
        .qualifiers(Dysession.Literal.INSTANCE)
        .scope(Dependent.class)
        .createWith(c -> current);
    event
        .addBean()
        .beanClass(DysessionExtension.class)
        .types(Operations.class, Object.class)
        .qualifiers(Dysession.Literal.INSTANCE)
        .scope(Singleton.class)
        .createWith(c -> operations);
    dynamoDb.register(event, manager, current, cdi);
    beansRegistered = true;
    sessionContext = new DysessionSessionContext(() -> beanManager);
    event.addContext(sessionContext);
    event
        .addBean()
        .beanClass(cdi.beanClassFor(HttpSession.class))
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
    SessionStore store = dynamoDb.store();
    ClassLoader applicationLoader = servletContext.getClassLoader();
    if (applicationLoader == null) {
      applicationLoader = Thread.currentThread().getContextClassLoader();
    }
    if (jsonb == null) {
      jsonb = OptionalApis.newJsonb();
    }
    AttributeCodec codec =
        new AttributeCodec(
            OptionalApis.jsonb(jsonb),
            applicationLoader,
            settings.allowedClasses(),
            cdi.frameworkLoaders());
    return new SessionRuntime(store, codec, settings, bridge(), operations);
  }

  private synchronized CdiSessionScopeBridge bridge() {
    if (bridge == null) {
      BuiltInSessionContextSwitch builtIn = cdi.sessionContextSwitch(sessionContext, serverInfo);
      bridge =
          new CdiSessionScopeBridge(
              sessionContext, beanManager, builtIn, cdi.conversations(builtIn));
    }
    return bridge;
  }

  /**
   * Fails deployment on invalid settings, logs the effective ones, and creates the table if asked.
   */
  void validate(@Observes AfterDeploymentValidation event, BeanManager beans) {
    if (settingsProblem != null) {
      event.addDeploymentProblem(
          new DeploymentException(settingsProblem.getMessage(), settingsProblem));
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
    String missing =
        (cdi != null ? cdi : new CdiImplementation(beans)).missingSessionContextSwitch();
    if (missing != null) {
      event.addDeploymentProblem(new DeploymentException(missing));
      return;
    }
    LOG.info(
        () ->
            "dysession stores sessions in DynamoDB: " + settings.describe() + dynamoDb.ownership());
    if (settings.createTable()) {
      try {
        dynamoDb.createTable(settings);
      } catch (RuntimeException e) {
        event.addDeploymentProblem(
            new DeploymentException(
                "dysession could not create table '"
                    + settings.tableName()
                    + "' ("
                    + DysessionSettings.CREATE_TABLE
                    + "=true): "
                    + e.getMessage(),
                e));
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
    operations.stopListening(jmx);
    jmx.close();
    DysessionLogging.reset();
  }

  /** Returns the settings read at deployment, or null before or when they were invalid. */
  public DysessionSettings settings() {
    return settings;
  }
}
