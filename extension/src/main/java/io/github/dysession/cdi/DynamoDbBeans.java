package io.github.dysession.cdi;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.Operations;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.dynamodb.DynamoDbClientFactory;
import io.github.dysession.store.dynamodb.DynamoDbSessionStore;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
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

  // The application's own beans, used by reference: looked up by type from dysession's jar they
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
                      client(beans), settings.dynamoDb(), Clock.systemUTC(), operations));
    }
  }

  /** The store: the application's if it produces one, else dysession's DynamoDB store. */
  SessionStore store() {
    Bean<?> own = applicationStore;
    return own != null
        ? reference(own, SessionStore.class)
        : beanManager.createInstance().select(SessionStore.class, Dysession.Literal.INSTANCE).get();
  }

  /** Creates the table (with its index, and enables TTL) as the CLI's {@code init} does. */
  void createTable(DysessionSettings settings, BeanManager beans) {
    new DynamoDbTableAdmin(client(beans.createInstance()), settings.dynamoDb()).initAtDeployment();
  }

  /** What the start-up line adds: which of the beans are the application's. */
  String ownership() {
    return (applicationClient != null ? " client=application's" : "")
        + (applicationStore != null ? " store=application's" : "");
  }

  /**
   * The {@code @Dysession DynamoDbClient}: the application's if it produces one, else dysession's.
   */
  private DynamoDbClient client(Instance<Object> beans) {
    Bean<?> own = applicationClient;
    return own != null
        ? reference(own, DynamoDbClient.class)
        : beans.select(DynamoDbClient.class, Dysession.Literal.INSTANCE).get();
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
