package io.github.dysession.it.store;

import io.github.dysession.it.memstore.InMemorySessionStore;
import io.github.dysession.store.SessionStore;
import java.time.Clock;
import java.time.Duration;

/**
 * The benchmark's {@link InMemorySessionStore} keeps the {@link SessionStoreContract} like the
 * DynamoDB store does, so the overhead benchmark compares dysession doing its real work. A fast
 * unit test: no server, no network.
 */
class InMemorySessionStoreTest extends SessionStoreContract {

  private InMemorySessionStore memory;

  @Override
  protected SessionStore newStore() {
    memory = new InMemorySessionStore(touchInterval(), sizeLimitBytes(), Clock.systemUTC());
    return memory;
  }

  @Override
  protected Duration touchInterval() {
    return Duration.ofSeconds(60);
  }

  @Override
  protected long sizeLimitBytes() {
    return InMemorySessionStore.DEFAULT_LIMIT;
  }

  @Override
  protected boolean recordExists(String id) {
    return memory.recordExists(id);
  }

  @Override
  protected void writeCorruptAttribute(String id, String name) {
    memory.putForeignValue(id, name, "not bytes");
  }

  @Override
  protected long writeRequests() {
    return memory.writeRequests();
  }
}
