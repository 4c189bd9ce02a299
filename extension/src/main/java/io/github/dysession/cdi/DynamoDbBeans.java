package io.github.dysession.cdi;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.Operations;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.spi.Context;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * dysession's DynamoDB wiring: the {@code @Dysession DynamoDbClient} and {@code SessionStore} beans
 * (each unless the application produces its own, which is then used), and the table's creation when
 * {@code dysession.create-table} asks for it.
 */
final class DynamoDbBeans {

  // The application's own beans, used by their Bean: looked up by type from dysession's jar they
  // would be invisible on servers that keep WEB-INF/classes and WEB-INF/lib apart (Payara).
  private volatile Bean<?> applicationClient;
  private volatile Bean<?> applicationStore;
  private volatile BeanManager beanManager;
  private final Operations operations;

  DynamoDbBeans(Operations operations) {
    this.operations = operations;
  }

  /** Notes an application bean qualified {@code @Dysession}: its own client or store. */
  void notice(Bean<?> bean) {
    if (bean.getTypes().contains(DynamoDbClient.class)) {
      applicationClient = bean;
    }
    if (bean.getTypes().contains(SessionStore.class)) {
      applicationStore = bean;
    }
  }

  /** Adds the client and store beans the application does not produce itself. */
  void register(
      AfterBeanDiscovery event,
      BeanManager manager,
      DysessionSettings settings,
      CdiImplementation cdi) {
    this.beanManager = manager;
    if (applicationClient == null) {
      event
          .addBean()
          .beanClass(cdi.beanClassFor(DynamoDbClient.class))
          .types(DynamoDbClient.class, AutoCloseable.class, Object.class)
          .qualifiers(Dysession.Literal.INSTANCE)
          .scope(ApplicationScoped.class)
          .createWith(c -> DynamoDbClientFactory.create(settings.dynamoDb(), operations))
          .destroyWith((client, c) -> ((DynamoDbClient) client).close());
    }
    if (applicationStore == null) {
      event
          .addBean()
          .beanClass(cdi.beanClassFor(SessionStore.class))
          .types(SessionStore.class, Object.class)
          .qualifiers(Dysession.Literal.INSTANCE)
          .scope(ApplicationScoped.class)
          .produceWith(
              beans ->
                  new DynamoDbSessionStore(
                      client(), settings.dynamoDb(), Clock.systemUTC(), operations));
    }
  }

  /**
   * The store: the application's if it produces one (a reference, as the application made it: it
   * may replace its instance), else dysession's DynamoDB store, handed out as its contextual
   * instance. The filter holds it for the application's lifetime; a client proxy looked the
   * instance up, and called the store reflectively (a synthetic bean's proxy cannot subclass the
   * store), on every call of every request.
   */
  SessionStore store() {
    Bean<?> own = applicationStore;
    return own != null
        ? reference(own, SessionStore.class)
        : contextual(dysessionBean(SessionStore.class), SessionStore.class);
  }

  /** Creates the table (with its index, and enables TTL) as the CLI's {@code init} does. */
  void createTable(DysessionSettings settings) {
    // At deployment, once: a reference does, whichever bean it is.
    Bean<?> own = applicationClient;
    DynamoDbClient client =
        reference(own != null ? own : dysessionBean(DynamoDbClient.class), DynamoDbClient.class);
    new DynamoDbTableAdmin(client, settings.dynamoDb()).initAtDeployment();
  }

  /** What the start-up line adds: which of the beans are the application's. */
  String ownership() {
    return (applicationClient != null ? " client=application's" : "")
        + (applicationStore != null ? " store=application's" : "");
  }

  /**
   * The {@code @Dysession DynamoDbClient} dysession's store calls: the application's if it produces
   * one (a reference), else dysession's, as its contextual instance (see {@link #store()}).
   */
  private DynamoDbClient client() {
    Bean<?> own = applicationClient;
    return own != null
        ? reference(own, DynamoDbClient.class)
        : contextual(dysessionBean(DynamoDbClient.class), DynamoDbClient.class);
  }

  /** The {@code @Dysession} bean of {@code type} that dysession itself added. */
  private Bean<?> dysessionBean(Class<?> type) {
    Bean<?> bean = beanManager.resolve(beanManager.getBeans(type, Dysession.Literal.INSTANCE));
    if (bean == null) {
      throw new IllegalStateException(
          "no @Dysession " + type.getSimpleName() + " bean: dysession's extension did not add it");
    }
    return bean;
  }

  /**
   * The instance of one of dysession's own application-scoped beans: it lives as long as the
   * application.
   */
  private <T> T contextual(Bean<?> bean, Class<T> type) {
    return type.cast(instanceOf(beanManager.getContext(ApplicationScoped.class), bean));
  }

  private <X> X instanceOf(Context context, Bean<X> bean) {
    return context.get(bean, beanManager.createCreationalContext(bean));
  }

  /**
   * A reference to one of the application's beans, by its {@code Bean} rather than by type: Weld on
   * Payara does not let a library jar's bean manager resolve beans of {@code WEB-INF/classes}.
   */
  private <T> T reference(Bean<?> bean, Class<T> type) {
    return type.cast(
        beanManager.getReference(bean, type, beanManager.createCreationalContext(bean)));
  }
}
