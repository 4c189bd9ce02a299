package io.github.dysession.it.memstore;

import io.github.dysession.cdi.Dysession;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.store.InMemorySessionStore;
import io.github.dysession.store.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.time.Clock;

/**
 * Hands dysession an {@link InMemorySessionStore} (the store comes with the dysession jar) instead
 * of its DynamoDB store: an application that produces its own {@code @Dysession SessionStore} gets
 * it used. Packaged only into the benchmark's "memstore" WAR (see the bench profile), never into
 * the test WAR.
 *
 * <p>The store is a dependent object: dysession asks for it once per application and holds it, as
 * it holds its own DynamoDB store (its contextual instance), so that the benchmark measures the
 * path its users' requests take. Produced application-scoped, it would reach dysession as a Weld
 * client proxy, which calls the store reflectively: about 3 µs per request on the benchmark's
 * machine that users of dysession's own store do not pay.
 */
@ApplicationScoped
public class InMemoryStoreProducer {

  @Produces
  @Dysession
  SessionStore store(@Dysession DysessionSettings settings) {
    return new InMemorySessionStore(
        settings.touchInterval(), settings.maxSessionBytes(), Clock.systemUTC());
  }
}
