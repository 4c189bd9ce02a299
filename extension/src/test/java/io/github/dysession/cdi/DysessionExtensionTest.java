package io.github.dysession.cdi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.InvalidSettingsException;
import io.github.dysession.logging.DysessionLogging;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.inject.Inject;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.jboss.weld.junit5.EnableWeld;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldSetup;
import org.jboss.weld.proxy.WeldClientProxy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Tests the portable extension in Weld SE, configured through MicroProfile Config (SmallRye Config
 * reading system properties). No test calls DynamoDB: the endpoint points at a closed local port
 * and clients are only built, never used, except after they were closed.
 */
@ExtendWith(ForgetShutDownContainer.class) // must precede @EnableWeld
@EnableWeld
class DysessionExtensionTest {

  private static final String ENDPOINT = "http://127.0.0.1:1";

  /** The configuration of the container that weld-junit starts for every test. */
  private static final Map<String, String> BASE = base();

  private static Map<String, String> base() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(DysessionSettings.ENDPOINT, ENDPOINT);
    m.put(DysessionSettings.REGION, "eu-west-1");
    m.put(DysessionSettings.TABLE_NAME, "extension-test-sessions");
    m.put(DysessionSettings.CACHE_PERIOD, "1800");
    m.put(DysessionSettings.KEY_PREFIX, "ext#");
    // The SDK's default credentials chain finds these first, so it never asks instance metadata.
    m.put("aws.accessKeyId", "AKIDDYSESSIONTEST");
    m.put("aws.secretAccessKey", "dysession-test-secret");
    m.put("aws.disableEc2Metadata", "true");
    return m;
  }

  private static final Map<String, String> SAVED = new HashMap<>();

  @WeldSetup
  WeldInitiator weld =
      WeldInitiator.from(
              WeldInitiator.createWeld()
                  .addExtension(new DysessionExtension())
                  .addBeanClasses(ClientConsumer.class))
          .build();

  @Inject @Dysession DynamoDbClient client;

  @Inject @Dysession SessionStore store;

  @Inject @Dysession DysessionSettings settings;

  @Inject ClientConsumer consumer;

  @Inject BeanManager beanManager;

  private final List<Logger> capturedLoggers = new ArrayList<>();
  private final List<Handler> captureHandlers = new ArrayList<>();

  @BeforeAll
  static void configure() {
    for (Map.Entry<String, String> e : BASE.entrySet()) {
      SAVED.put(e.getKey(), System.getProperty(e.getKey()));
      System.setProperty(e.getKey(), e.getValue());
    }
    releaseConfig();
  }

  @AfterAll
  static void clearConfiguration() {
    for (String key : BASE.keySet()) {
      restore(key, SAVED.get(key));
    }
    releaseConfig();
    DysessionLogging.reset();
  }

  @AfterEach
  void removeCaptureHandlers() {
    for (int i = 0; i < captureHandlers.size(); i++) {
      capturedLoggers.get(i).removeHandler(captureHandlers.get(i));
    }
  }

  // ---------------------------------------------------------------- beans from configuration

  @Test
  void producesTheDynamoDbClientFromConfiguration() {
    assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.EU_WEST_1);
    assertThat(client.serviceClientConfiguration().endpointOverride())
        .contains(URI.create(ENDPOINT));

    Bean<?> bean =
        beanManager.resolve(beanManager.getBeans(DynamoDbClient.class, Dysession.Literal.INSTANCE));
    assertThat(bean.getScope()).isEqualTo(ApplicationScoped.class);
    assertThat(bean.getBeanClass()).isEqualTo(DysessionExtension.class);
    assertThat(bean.getQualifiers()).contains(Dysession.Literal.INSTANCE, Any.Literal.INSTANCE);
    // One client for the whole application.
    assertThat(contextualInstance(consumer.client)).isSameAs(contextualInstance(client));
  }

  @Test
  void theClientIsNotAvailableWithoutTheQualifier() {
    assertThat(weld.select(DynamoDbClient.class).isUnsatisfied()).isTrue();
    assertThat(weld.select(SessionStore.class).isUnsatisfied()).isTrue();
    assertThat(weld.select(DysessionSettings.class).isUnsatisfied()).isTrue();
  }

  @Test
  void producesADynamoDbSessionStoreOnTheDysessionClient() throws Exception {
    Object instance = contextualInstance(store);
    assertThat(instance).isInstanceOf(DynamoDbSessionStore.class);
    assertThat(contextualInstance(clientOf(instance))).isSameAs(contextualInstance(client));

    Bean<?> bean =
        beanManager.resolve(beanManager.getBeans(SessionStore.class, Dysession.Literal.INSTANCE));
    assertThat(bean.getScope()).isEqualTo(ApplicationScoped.class);
  }

  @Test
  void handsTheFilterTheStoreAndTheClientThemselvesNotProxies() throws Exception {
    // A client proxy would look the instance up, and call a store it cannot subclass
    // reflectively, on every call of every request.
    DysessionExtension extension = beanManager.getExtension(DysessionExtension.class);
    Field beans = DysessionExtension.class.getDeclaredField("dynamoDb");
    beans.setAccessible(true);
    SessionStore held = ((DynamoDbBeans) beans.get(extension)).store();
    assertThat(held).isNotInstanceOf(WeldClientProxy.class).isSameAs(contextualInstance(store));
    assertThat(clientOf(held))
        .isNotInstanceOf(WeldClientProxy.class)
        .isSameAs(contextualInstance(client));
  }

  @Test
  void producesTheSettingsFromConfiguration() {
    assertThat(settings.enabled()).isTrue();
    assertThat(settings.region()).isEqualTo("eu-west-1");
    assertThat(settings.endpoint()).isEqualTo(URI.create(ENDPOINT));
    assertThat(settings.tableName()).isEqualTo("extension-test-sessions");
    assertThat(settings.cachePeriod()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(settings.keyPrefix()).isEqualTo("ext#");
    // Unset keys keep their defaults.
    assertThat(settings.partitionKeyName())
        .isEqualTo(DysessionSettings.DEFAULTS.get(DysessionSettings.PARTITION_KEY_NAME));
    assertThat(settings.touchInterval()).isEqualTo(Duration.ofSeconds(60));

    DysessionExtension extension = weld.select(DysessionExtension.class).get();
    assertThat(extension.settings()).isEqualTo(settings);
  }

  // ---------------------------------------------------------------- the application's own client

  @Test
  void usesTheApplicationsClientAndAddsNoSecondOne() throws Exception {
    List<String> log = captureLog();
    try (WeldContainer container =
        newWeld()
            .addBeanClasses(ApplicationClientProducer.class, ClientConsumer.class)
            .initialize()) {
      BeanManager bm = container.getBeanManager();
      Set<Bean<?>> clients = bm.getBeans(DynamoDbClient.class, Dysession.Literal.INSTANCE);
      assertThat(clients).hasSize(1);
      assertThat(clients.iterator().next().getBeanClass())
          .isEqualTo(ApplicationClientProducer.class);

      DynamoDbClient resolved =
          container.select(DynamoDbClient.class, Dysession.Literal.INSTANCE).get();
      assertThat(resolved.serviceClientConfiguration().region()).isEqualTo(Region.US_WEST_2);
      ClientConsumer appConsumer = container.select(ClientConsumer.class).get();
      assertThat(appConsumer.client.serviceClientConfiguration().region())
          .isEqualTo(Region.US_WEST_2);

      SessionStore sessionStore =
          container.select(SessionStore.class, Dysession.Literal.INSTANCE).get();
      Object storeInstance = contextualInstance(sessionStore);
      assertThat(storeInstance).isInstanceOf(DynamoDbSessionStore.class);
      assertThat(contextualInstance(clientOf(storeInstance)))
          .isSameAs(contextualInstance(resolved));
      // The settings bean is still there.
      assertThat(
              container.select(DysessionSettings.class, Dysession.Literal.INSTANCE).get().region())
          .isEqualTo("eu-west-1");
    }
    assertThat(log).anySatisfy(line -> assertThat(line).contains("client=application's"));
  }

  @Test
  void usesTheApplicationsSessionStoreAndAddsNoSecondOne() {
    List<String> log = captureLog();
    try (WeldContainer container =
        newWeld().addBeanClasses(ApplicationStoreProducer.class).initialize()) {
      Set<Bean<?>> stores =
          container.getBeanManager().getBeans(SessionStore.class, Dysession.Literal.INSTANCE);
      assertThat(stores).hasSize(1);
      assertThat(stores.iterator().next().getBeanClass()).isEqualTo(ApplicationStoreProducer.class);
    }
    assertThat(log).anySatisfy(line -> assertThat(line).contains("store=application's"));
  }

  /** The extension's own client bean is not mistaken for the application's. */
  @Test
  void logsNoApplicationClientWhenTheExtensionProducesIt() {
    List<String> log = captureLog();
    try (WeldContainer container = newWeld().initialize()) {
      assertThat(container.select(DynamoDbClient.class, Dysession.Literal.INSTANCE).isResolvable())
          .isTrue();
    }
    assertThat(log)
        .anySatisfy(line -> assertThat(line).contains("dysession stores sessions in DynamoDB"));
    assertThat(log).noneSatisfy(line -> assertThat(line).contains("client=application's"));
  }

  // ---------------------------------------------------------------- invalid and disabled

  @Test
  void invalidConfigurationFailsDeploymentNamingTheKey() {
    withProperties(
        Map.of(DysessionSettings.CACHE_PERIOD, "-1"),
        () -> {
          Weld weld = newWeld();
          assertThatThrownBy(weld::initialize)
              .isInstanceOf(DeploymentException.class)
              .hasMessageContaining(DysessionSettings.CACHE_PERIOD)
              .hasMessageContaining("-1")
              .hasRootCauseInstanceOf(InvalidSettingsException.class);
          weld.shutdown();
        });
  }

  /**
   * Weld validates injection points before {@code AfterDeploymentValidation}: the beans must exist
   * even with invalid settings, or the deployment fails with "unsatisfied dependencies" instead of
   * the message naming the key.
   */
  @Test
  void
      invalidConfigurationFailsDeploymentNamingTheKeyEvenWhenTheApplicationInjectsDysessionBeans() {
    withProperties(
        Map.of(DysessionSettings.CACHE_PERIOD, "-1"),
        () -> {
          Weld weld = newWeld().addBeanClasses(ClientConsumer.class);
          assertThatThrownBy(weld::initialize)
              .isInstanceOf(DeploymentException.class)
              .hasMessageContaining(DysessionSettings.CACHE_PERIOD);
          weld.shutdown();
        });
  }

  @Test
  void everyInvalidKeyIsReportedAtOnce() {
    withProperties(
        Map.of(
            DysessionSettings.CACHE_PERIOD, "soon",
            DysessionSettings.ENDPOINT, "localhost:8000",
            DysessionSettings.REGION, "Tokyo"),
        () -> {
          Weld weld = newWeld();
          assertThatThrownBy(weld::initialize)
              .isInstanceOf(DeploymentException.class)
              .hasMessageContaining(DysessionSettings.CACHE_PERIOD)
              .hasMessageContaining(DysessionSettings.ENDPOINT)
              .hasMessageContaining(DysessionSettings.REGION);
          weld.shutdown();
        });
  }

  @Test
  void disabledAddsNoBeans() {
    withProperties(
        Map.of(DysessionSettings.ENABLED, "false"),
        () -> {
          DysessionExtension extension = new DysessionExtension();
          try (WeldContainer container =
              new Weld(UUID.randomUUID().toString())
                  .disableDiscovery()
                  .addExtension(extension)
                  .initialize()) {
            BeanManager bm = container.getBeanManager();
            assertThat(bm.getBeans(Object.class, Dysession.Literal.INSTANCE)).isEmpty();
            assertThat(bm.getBeans(Object.class, Any.Literal.INSTANCE))
                .noneMatch(
                    b ->
                        b.getBeanClass() == DysessionExtension.class
                            && !b.getTypes().contains(DysessionExtension.class));
            assertThat(
                    container
                        .select(DynamoDbClient.class, Dysession.Literal.INSTANCE)
                        .isUnsatisfied())
                .isTrue();
            assertThat(
                    container
                        .select(SessionStore.class, Dysession.Literal.INSTANCE)
                        .isUnsatisfied())
                .isTrue();
            assertThat(extension.settings().enabled()).isFalse();
          }
        });
  }

  // ---------------------------------------------------------------- shutdown

  @Test
  void closesTheClientAtShutdown() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String endpoint = "http://127.0.0.1:" + server.getLocalPort();
      withProperties(
          Map.of(DysessionSettings.ENDPOINT, endpoint, DysessionSettings.MAX_RETRIES, "0"),
          () -> {
            DynamoDbClient instance;
            WeldContainer container = newWeld().initialize();
            try {
              DynamoDbClient proxy =
                  container.select(DynamoDbClient.class, Dysession.Literal.INSTANCE).get();
              assertThat(proxy.serviceClientConfiguration().endpointOverride())
                  .contains(URI.create(endpoint));
              instance = (DynamoDbClient) contextualInstance(proxy);
            } finally {
              container.shutdown();
            }
            // A closed SDK client refuses work before it touches the network: its timeout scheduler
            // (and its Apache connection pool) are shut down.
            assertThatThrownBy(instance::listTables)
                .isInstanceOfAny(RejectedExecutionException.class, IllegalStateException.class);
          });
      // ... and it did not even open a connection to the (local) endpoint.
      server.setSoTimeout(200);
      assertThatThrownBy(server::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }

  // ---------------------------------------------------------------- test beans and helpers

  /** Injects the qualified client, so an ambiguous or missing client fails deployment. */
  @Dependent
  static class ClientConsumer {
    @Inject @Dysession DynamoDbClient client;
  }

  /** The application's own store: any implementation of the SPI. */
  @ApplicationScoped
  static class ApplicationStoreProducer {
    @Produces
    @Dysession
    @ApplicationScoped
    SessionStore store() {
      return new SessionStore() {
        @Override
        public java.util.Optional<io.github.dysession.store.SessionData> load(String id) {
          return java.util.Optional.empty();
        }

        @Override
        public void create(io.github.dysession.store.SessionData session) {}

        @Override
        public io.github.dysession.store.SaveOutcome save(
            io.github.dysession.store.SessionChanges changes) {
          return io.github.dysession.store.SaveOutcome.gone();
        }

        @Override
        public void delete(String id) {}

        @Override
        public java.util.Optional<io.github.dysession.store.SessionData> changeId(
            String oldId, String newId) {
          return java.util.Optional.empty();
        }
      };
    }
  }

  /** The application's own client, for a region dysession's configuration does not name. */
  @ApplicationScoped
  static class ApplicationClientProducer {
    @Produces
    @Dysession
    @ApplicationScoped
    DynamoDbClient client() {
      return DynamoDbClient.builder()
          .httpClientBuilder(Apache5HttpClient.builder())
          .region(Region.US_WEST_2)
          .endpointOverride(URI.create(ENDPOINT))
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
          .build();
    }

    void close(@Disposes @Dysession DynamoDbClient client) {
      client.close();
    }
  }

  private static Weld newWeld() {
    return new Weld(UUID.randomUUID().toString())
        .disableDiscovery()
        .addExtension(new DysessionExtension());
  }

  private static Object contextualInstance(Object proxy) {
    if (proxy instanceof WeldClientProxy p) {
      return p.getMetadata().getContextualInstance();
    }
    return proxy;
  }

  /** The client the store calls: a field of the store, or of the table record it holds. */
  private static DynamoDbClient clientOf(Object store) throws IllegalAccessException {
    for (Field f : store.getClass().getDeclaredFields()) {
      f.setAccessible(true);
      if (DynamoDbClient.class.isAssignableFrom(f.getType())) {
        return (DynamoDbClient) f.get(store);
      }
      Object part = f.get(store);
      if (part instanceof Record) {
        for (Field g : part.getClass().getDeclaredFields()) {
          if (DynamoDbClient.class.isAssignableFrom(g.getType())) {
            g.setAccessible(true);
            return (DynamoDbClient) g.get(part);
          }
        }
      }
    }
    throw new AssertionError(store.getClass() + " holds no DynamoDbClient");
  }

  private List<String> captureLog() {
    List<String> lines = new CopyOnWriteArrayList<>();
    Logger logger = Logger.getLogger(DysessionExtension.class.getName());
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            lines.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    capturedLoggers.add(logger);
    captureHandlers.add(handler);
    return lines;
  }

  private interface Body {
    void run() throws Exception;
  }

  /** Runs {@code body} with extra system properties, restoring the base configuration after it. */
  private static void withProperties(Map<String, String> properties, Body body) {
    Map<String, String> previous = new HashMap<>();
    for (Map.Entry<String, String> e : properties.entrySet()) {
      previous.put(e.getKey(), System.getProperty(e.getKey()));
      System.setProperty(e.getKey(), e.getValue());
    }
    releaseConfig();
    try {
      body.run();
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      for (Map.Entry<String, String> e : previous.entrySet()) {
        restore(e.getKey(), e.getValue());
      }
      releaseConfig();
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private static void releaseConfig() {
    ConfigProviderResolver.instance().releaseConfig(ConfigProvider.getConfig());
  }
}
