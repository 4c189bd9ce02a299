package io.github.dysession.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionChangesTest {

  private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  private static final Duration TOUCH = Duration.ofSeconds(60);
  private static final String ID = SessionIds.generate();
  private static final byte[] A = bytes("value-a");
  private static final byte[] B = bytes("value-b");

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static SessionData base(Duration maxInactive) {
    Map<String, byte[]> attributes = new LinkedHashMap<>();
    attributes.put("a", A);
    attributes.put("b", B);
    return new SessionData(ID, T0.minusSeconds(3600), T0, maxInactive, 7, attributes);
  }

  private static SessionData base() {
    return base(Duration.ofMinutes(30));
  }

  // ---------------------------------------------------------------- needsWrite

  @Test
  void needsWrite_whenPureTouchInsideTouchInterval_returnsFalse() {
    SessionChanges changes = SessionChanges.touch(base(), T0.plusSeconds(59));
    assertThat(changes.changesContent()).isFalse();
    assertThat(changes.needsWrite(TOUCH)).isFalse();
    assertThat(SessionChanges.touch(base(), T0).needsWrite(TOUCH)).isFalse();
  }

  @Test
  void needsWrite_whenPureTouchAtOrAfterTouchInterval_returnsTrue() {
    assertThat(SessionChanges.touch(base(), T0.plusSeconds(60)).needsWrite(TOUCH)).isTrue();
    assertThat(SessionChanges.touch(base(), T0.plusSeconds(61)).needsWrite(TOUCH)).isTrue();
    assertThat(SessionChanges.touch(base(), T0.plus(Duration.ofDays(1))).needsWrite(TOUCH))
        .isTrue();
  }

  @Test
  void needsWrite_whenTouchIntervalZero_alwaysReturnsTrue() {
    assertThat(SessionChanges.touch(base(), T0).needsWrite(Duration.ZERO)).isTrue();
  }

  @Test
  void needsWrite_whenAttributeSet_returnsTrueInsideTouchInterval() {
    SessionChanges changes =
        new SessionChanges(
            base(),
            T0.plusSeconds(1),
            base().maxInactiveInterval(),
            Map.of("c", bytes("c")),
            Set.of());
    assertThat(changes.changesContent()).isTrue();
    assertThat(changes.needsWrite(TOUCH)).isTrue();
  }

  @Test
  void needsWrite_whenAttributeRemoved_returnsTrueInsideTouchInterval() {
    SessionChanges changes =
        new SessionChanges(
            base(), T0.plusSeconds(1), base().maxInactiveInterval(), Map.of(), Set.of("a"));
    assertThat(changes.changesContent()).isTrue();
    assertThat(changes.needsWrite(TOUCH)).isTrue();
  }

  @Test
  void needsWrite_whenMaxInactiveIntervalChanged_returnsTrueInsideTouchInterval() {
    SessionChanges changes =
        new SessionChanges(base(), T0.plusSeconds(1), Duration.ofMinutes(45), Map.of(), Set.of());
    assertThat(changes.changesContent()).isTrue();
    assertThat(changes.needsWrite(TOUCH)).isTrue();
  }

  @Test
  void needsWrite_whenHalfTheInactiveIntervalIsShorter_usesItInsteadOfTouchInterval() {
    SessionData shortLived = base(Duration.ofSeconds(60));

    assertThat(SessionChanges.touch(shortLived, T0.plusSeconds(29)).needsWrite(TOUCH)).isFalse();
    assertThat(SessionChanges.touch(shortLived, T0.plusSeconds(30)).needsWrite(TOUCH)).isTrue();
  }

  @Test
  void needsWrite_whenHalfTheInactiveIntervalIsLonger_usesTouchInterval() {
    SessionData longLived = base(Duration.ofHours(2));

    assertThat(SessionChanges.touch(longLived, T0.plusSeconds(59)).needsWrite(TOUCH)).isFalse();
    assertThat(SessionChanges.touch(longLived, T0.plusSeconds(60)).needsWrite(TOUCH)).isTrue();
  }

  @Test
  void needsWrite_whenSessionNeverExpires_usesTouchInterval() {
    for (Duration never : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1)}) {
      SessionData immortal = base(never);
      assertThat(SessionChanges.touch(immortal, T0.plusSeconds(59)).needsWrite(TOUCH))
          .as("interval %s at 59s", never)
          .isFalse();
      assertThat(SessionChanges.touch(immortal, T0.plusSeconds(60)).needsWrite(TOUCH))
          .as("interval %s at 60s", never)
          .isTrue();
    }
  }

  // ---------------------------------------------------------------- results

  @Test
  void resultingAttributes_appliesRemovesAndSets() {
    byte[] newB = bytes("new-b");
    byte[] c = bytes("c");
    Map<String, byte[]> set = new LinkedHashMap<>();
    set.put("b", newB);
    set.put("c", c);
    SessionChanges changes =
        new SessionChanges(base(), T0, base().maxInactiveInterval(), set, Set.of("a"));

    Map<String, byte[]> result = changes.resultingAttributes();

    assertThat(result).containsOnlyKeys("b", "c");
    assertThat(result.get("b")).isSameAs(newB);
    assertThat(result.get("c")).isSameAs(c);
    // The base session is left alone.
    assertThat(changes.base().attributes()).containsOnlyKeys("a", "b");
    assertThat(changes.base().attributes().get("b")).isSameAs(B);
  }

  @Test
  void resultingAttributes_whenRemovingAnAbsentName_ignoresIt() {
    SessionChanges changes =
        new SessionChanges(base(), T0, base().maxInactiveInterval(), Map.of(), Set.of("missing"));
    assertThat(changes.resultingAttributes()).containsOnlyKeys("a", "b");
  }

  @Test
  void result_carriesNewTimeIntervalAndAttributesButKeepsIdCreationAndVersion() {
    Instant now = T0.plusSeconds(5);
    SessionChanges changes =
        new SessionChanges(
            base(), now, Duration.ofMinutes(10), Map.of("c", bytes("c")), Set.of("a"));

    SessionData result = changes.result();

    assertThat(result.id()).isEqualTo(ID);
    assertThat(result.creationTime()).isEqualTo(base().creationTime());
    assertThat(result.lastAccessedTime()).isEqualTo(now);
    assertThat(result.maxInactiveInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(result.version()).isEqualTo(7);
    assertThat(result.attributes()).containsOnlyKeys("b", "c");
  }

  @Test
  void touch_keepsIntervalAndChangesNothingElse() {
    SessionChanges changes = SessionChanges.touch(base(), T0.plusSeconds(5));
    assertThat(changes.lastAccessedTime()).isEqualTo(T0.plusSeconds(5));
    assertThat(changes.maxInactiveInterval()).isEqualTo(base().maxInactiveInterval());
    assertThat(changes.setAttributes()).isEmpty();
    assertThat(changes.removedAttributes()).isEmpty();
  }

  // ---------------------------------------------------------------- constructor

  @Test
  void constructor_whenNameBothSetAndRemoved_throws() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new SessionChanges(
                    base(),
                    T0,
                    base().maxInactiveInterval(),
                    Map.of("x", bytes("x"), "y", bytes("y")),
                    Set.of("y", "z")));
    assertThat(e.getMessage()).contains("'y'").contains("both set and removed");
  }

  @Test
  void constructor_copiesAndFreezesTheCollections() {
    Map<String, byte[]> set = new HashMap<>(Map.of("c", bytes("c")));
    Set<String> removed = new HashSet<>(Set.of("a"));
    SessionChanges changes =
        new SessionChanges(base(), T0, base().maxInactiveInterval(), set, removed);

    set.put("d", bytes("d"));
    removed.add("b");

    assertThat(changes.setAttributes()).containsOnlyKeys("c");
    assertThat(changes.removedAttributes()).containsExactly("a");
    assertThrows(UnsupportedOperationException.class, () -> changes.setAttributes().put("e", A));
    assertThrows(UnsupportedOperationException.class, () -> changes.removedAttributes().add("e"));
  }

  @Test
  void constructor_whenBaseNull_throws() {
    assertThrows(
        NullPointerException.class,
        () -> new SessionChanges(null, T0, Duration.ZERO, Map.of(), Set.of()));
  }

  // ---------------------------------------------------------------- toString

  @Test
  void toString_neverContainsTheSessionId() {
    SessionChanges changes =
        new SessionChanges(
            base(),
            T0,
            base().maxInactiveInterval(),
            Map.of("c", bytes("secret-value")),
            Set.of("a"));

    String text = changes.toString();

    assertThat(text)
        .doesNotContain(ID)
        .contains(SessionIds.fingerprint(ID))
        .contains("c")
        .doesNotContain("secret-value");
  }

  // ---------------------------------------------------------------- SessionData

  @Test
  void sessionData_isExpiredAt_isTrueFromLastAccessPlusInterval() {
    SessionData data = base(Duration.ofMinutes(30));

    assertThat(data.expiryTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(data.isExpiredAt(T0)).isFalse();
    assertThat(data.isExpiredAt(T0.plus(Duration.ofMinutes(30)).minusMillis(1))).isFalse();
    assertThat(data.isExpiredAt(T0.plus(Duration.ofMinutes(30)))).isTrue();
    assertThat(data.isExpiredAt(T0.plus(Duration.ofHours(1)))).isTrue();
  }

  @Test
  void sessionData_neverExpires_whenIntervalZeroOrNegative() {
    for (Duration never :
        new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofDays(-365)}) {
      SessionData data = base(never);
      assertThat(data.neverExpires()).as("interval %s", never).isTrue();
      assertThat(data.expiryTime()).as("interval %s", never).isNull();
      assertThat(data.isExpiredAt(T0.plus(Duration.ofDays(3650))))
          .as("interval %s", never)
          .isFalse();
    }
    assertThat(base(Duration.ofSeconds(1)).neverExpires()).isFalse();
  }

  @Test
  void sessionData_toString_hasNoId() {
    SessionData data = base();
    assertThat(data.toString())
        .doesNotContain(ID)
        .contains(SessionIds.fingerprint(ID))
        .contains("version=7")
        .doesNotContain("value-a");
  }

  @Test
  void sessionData_newSession_isEmptyAndAccessedAtCreation() {
    SessionData data = SessionData.newSession(ID, T0, Duration.ofMinutes(5));
    assertThat(data.creationTime()).isEqualTo(T0);
    assertThat(data.lastAccessedTime()).isEqualTo(T0);
    assertThat(data.version()).isZero();
    assertThat(data.attributes()).isEmpty();
    assertThat(data.maxInactiveInterval()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void sessionData_withId_keepsEverythingElse() {
    String newId = SessionIds.generate();
    SessionData renamed = base().withId(newId);
    assertThat(renamed.id()).isEqualTo(newId);
    assertThat(renamed.version()).isEqualTo(7);
    assertThat(renamed.lastAccessedTime()).isEqualTo(T0);
    assertThat(renamed.attributes()).containsOnlyKeys("a", "b");
  }

  @Test
  void sessionData_attributes_areCopiedAndUnmodifiable() {
    Map<String, byte[]> attributes = new HashMap<>(Map.of("a", A));
    SessionData data = new SessionData(ID, T0, T0, Duration.ofMinutes(1), 0, attributes);
    attributes.put("b", B);
    assertThat(data.attributes()).containsOnlyKeys("a");
    assertThrows(UnsupportedOperationException.class, () -> data.attributes().put("c", A));
  }

  @Test
  void changesContent_whenOnlyTheLoginChanges_isTrueAndTheResultCarriesIt() {
    Instant now = Instant.parse("2026-12-02T10:00:00Z");
    SessionData base = SessionData.newSession("id", now, java.time.Duration.ofHours(1));
    SessionLogin login = new SessionLogin("alice", java.util.Set.of("user"), "m", now);

    SessionChanges loggingIn =
        new SessionChanges(base, now, base.maxInactiveInterval(), Map.of(), Set.of(), login);
    SessionChanges keeping =
        new SessionChanges(
            base.withLogin(login), now, base.maxInactiveInterval(), Map.of(), Set.of());
    SessionChanges loggingOut =
        new SessionChanges(
            base.withLogin(login), now, base.maxInactiveInterval(), Map.of(), Set.of(), null);

    assertThat(loggingIn.changesLogin()).isTrue();
    assertThat(loggingIn.changesContent()).isTrue();
    assertThat(loggingIn.result().login()).isEqualTo(login);
    assertThat(keeping.changesLogin()).isFalse();
    assertThat(keeping.changesContent()).isFalse();
    assertThat(loggingOut.changesLogin()).isTrue();
    assertThat(loggingOut.result().login()).isNull();
    assertThat(loggingIn.toString()).doesNotContain("alice");
  }
}
