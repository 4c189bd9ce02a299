package io.github.dysession.cdi;

import io.github.dysession.store.SessionStore;
import jakarta.servlet.http.HttpSession;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * The bean classes of dysession's normal-scoped synthetic beans. OpenWebBeans makes a bean's client
 * proxy a subclass of its bean class, so each is an abstract class of the bean's type (with the
 * extension's class as bean class, the proxy could not be cast to the type); Weld builds proxies
 * from the bean types. They also mark the beans as dysession's own. Never instantiated.
 */
final class OwnBeanClasses {

  private OwnBeanClasses() {}

  /** Returns whether {@code beanClass} is one of these classes. */
  static boolean isOwn(Class<?> beanClass) {
    return beanClass == Client.class || beanClass == Store.class || beanClass == Session.class;
  }

  /** The bean class of dysession's {@code @Dysession DynamoDbClient}. */
  abstract static class Client implements DynamoDbClient {}

  /** The bean class of dysession's {@code @Dysession SessionStore}. */
  abstract static class Store implements SessionStore {}

  /** The bean class of the {@code @Dysession HttpSession} behind {@code @Inject HttpSession}. */
  abstract static class Session implements HttpSession {}
}
