package io.github.dysession.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.store.InMemorySessionStore;
import io.github.dysession.store.SaveOutcome;
import io.github.dysession.store.SessionChanges;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionStore;
import io.github.dysession.store.SessionTooLargeException;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code setAttribute} asks the store to check the session's size when a value is new or grows, and
 * only then; a value too large is refused there, and what the session held stays.
 */
class SizeCheckTest {

  private static final long LIMIT = 2_000;

  private final Jsonb jsonb = JsonbBuilder.create();
  private final CountingStore store =
      new CountingStore(new InMemorySessionStore(Duration.ofSeconds(60), LIMIT, Clock.systemUTC()));
  private final SessionManager manager = manager();

  @AfterEach
  void closeJsonb() throws Exception {
    jsonb.close();
  }

  private SessionManager manager() {
    DysessionSettings settings = DysessionSettings.from(SettingsSource.of(Map.of()));
    AttributeCodec codec =
        new AttributeCodec(jsonb, getClass().getClassLoader(), settings.allowedClasses());
    SessionRuntime runtime = new SessionRuntime(store, codec, settings, SessionScopeBridge.NONE);
    return new SessionManager(null, runtime, new SessionListeners(), Clock.systemUTC());
  }

  @Test
  void checksANewValueAndAGrowingOneButNotOneNoLarger() {
    DysessionHttpSession session = manager.create();

    session.setAttribute("count", 1);
    assertThat(store.checks).isEqualTo(1);
    session.setAttribute("count", 2);
    session.setAttribute("name", "ab");
    session.setAttribute("name", "cd");
    session.setAttribute("name", "e");
    assertThat(store.checks).isEqualTo(2);
    session.setAttribute("count", 10);
    assertThat(store.checks).isEqualTo(3);

    // Random letters: no compression brings them under the limit.
    java.util.Random random = new java.util.Random(1);
    StringBuilder large = new StringBuilder();
    for (int i = 0; i < 2 * LIMIT; i++) {
      large.append((char) ('a' + random.nextInt(26)));
    }
    assertThatThrownBy(() -> session.setAttribute("name", large.toString()))
        .isInstanceOf(SessionTooLargeException.class);
    assertThat(session.getAttribute("name")).isEqualTo("e");
  }

  @Test
  void checksALoadedSessionOnceBeforeTrustingValuesThatDoNotGrow() {
    DysessionHttpSession created = manager.create();
    created.setAttribute("count", 5);
    manager.save(created);
    DysessionHttpSession loaded = manager.load(created.getId());
    int before = store.checks;

    // The stored session may exceed a limit lowered since it was written: checked once.
    loaded.setAttribute("count", 6);
    assertThat(store.checks).isEqualTo(before + 1);
    loaded.setAttribute("count", 7);
    assertThat(store.checks).isEqualTo(before + 1);
    loaded.setAttribute("count", 60);
    assertThat(store.checks).isEqualTo(before + 2);
    // Removed, then set again: new.
    loaded.removeAttribute("count");
    loaded.setAttribute("count", 1);
    assertThat(store.checks).isEqualTo(before + 3);
    // A login adds bytes no check saw.
    loaded.setLogin(
        new io.github.dysession.store.SessionLogin(
            "alice", java.util.Set.of("users"), "FORM", java.time.Instant.now()));
    loaded.setAttribute("count", 2);
    assertThat(store.checks).isEqualTo(before + 4);
  }

  /** The in-memory store, counting the size checks it is asked for. */
  private static final class CountingStore implements SessionStore {
    private final InMemorySessionStore store;
    int checks;

    CountingStore(InMemorySessionStore store) {
      this.store = store;
    }

    @Override
    public Optional<SessionData> load(String id) {
      return store.load(id);
    }

    @Override
    public void create(SessionData session) {
      store.create(session);
    }

    @Override
    public SaveOutcome save(SessionChanges changes) {
      return store.save(changes);
    }

    @Override
    public void checkSize(SessionData session) {
      checks++;
      store.checkSize(session);
    }

    @Override
    public void delete(String id) {
      store.delete(id);
    }

    @Override
    public Optional<SessionData> changeId(String oldId, String newId) {
      return store.changeId(oldId, newId);
    }
  }
}
