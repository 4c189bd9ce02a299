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
 */
@ApplicationScoped
public class InMemoryStoreProducer {

  @Produces
  @Dysession
  @ApplicationScoped
  SessionStore store(@Dysession DysessionSettings settings) {
    return new InMemorySessionStore(
        settings.touchInterval(), settings.maxSessionBytes(), Clock.systemUTC());
  }
}
