package io.github.dysession.store;

import java.time.Clock;
import java.time.Duration;

/**
 * The reference {@link InMemorySessionStore} keeps the {@link SessionStoreContract} like the
 * DynamoDB store does, so the overhead benchmark and the session core's tests run on a store that
 * does the real work. A fast unit test: no server, no network.
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
