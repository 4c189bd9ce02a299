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
   * The store: the application's if it produces one, else dysession's DynamoDB store. Held by the
   * filter for the application's lifetime, so an application-scoped store is handed out as its
   * contextual instance rather than a client proxy, which looked the instance up (and, for a bean
   * the proxy cannot subclass, called it reflectively) on every call.
   */
  SessionStore store() {
    Bean<?> own = applicationStore;
    return instance(
        own != null
            ? own
            : beanManager.resolve(
                beanManager.getBeans(SessionStore.class, Dysession.Literal.INSTANCE)),
        SessionStore.class);
  }

  /** Creates the table (with its index, and enables TTL) as the CLI's {@code init} does. */
  void createTable(DysessionSettings settings) {
    // A reference: at deployment, before any request, the proxy finds the instance when called.
    Bean<?> bean = clientBean();
    DynamoDbClient client =
        (DynamoDbClient)
            beanManager.getReference(
                bean, DynamoDbClient.class, beanManager.createCreationalContext(bean));
    new DynamoDbTableAdmin(client, settings.dynamoDb()).initAtDeployment();
  }

  /** What the start-up line adds: which of the beans are the application's. */
  String ownership() {
    return (applicationClient != null ? " client=application's" : "")
        + (applicationStore != null ? " store=application's" : "");
  }

  /**
   * The {@code @Dysession DynamoDbClient}: the application's if it produces one, else dysession's;
   * held by the store for its lifetime, so handed out like the store (see {@link #store()}).
   */
  private DynamoDbClient client() {
    return instance(clientBean(), DynamoDbClient.class);
  }

  private Bean<?> clientBean() {
    Bean<?> own = applicationClient;
    return own != null
        ? own
        : beanManager.resolve(
            beanManager.getBeans(DynamoDbClient.class, Dysession.Literal.INSTANCE));
  }

  /**
   * The instance of one of the beans, by its {@code Bean} rather than by type (Weld on Payara does
   * not let a library jar's bean manager resolve beans of {@code WEB-INF/classes}): the contextual
   * instance itself for an application-scoped bean, whose instance lives as long as the application
   * (interceptors and decorators are part of it); a reference (a client proxy, or a new dependent
   * instance) for any other scope, whose instance may change.
   */
  private <T> T instance(Bean<?> bean, Class<T> type) {
    if (bean.getScope() == ApplicationScoped.class) {
      return type.cast(contextual(beanManager.getContext(ApplicationScoped.class), bean));
    }
    return type.cast(
        beanManager.getReference(bean, type, beanManager.createCreationalContext(bean)));
  }

  private <X> X contextual(Context context, Bean<X> bean) {
    return context.get(bean, beanManager.createCreationalContext(bean));
  }
}
