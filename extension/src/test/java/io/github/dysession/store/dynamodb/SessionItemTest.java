package io.github.dysession.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.store.SessionData;
import io.github.dysession.store.SessionIds;
import io.github.dysession.store.SessionLogin;
import io.github.dysession.store.SessionTooLargeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The item mapping and the size guard, without DynamoDB. */
class SessionItemTest {

  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00.250Z");

  private final DysessionSettings settings =
      DysessionSettings.from(
          SettingsSource.of(
              Map.of("dysession.key-prefix", "shop#", "dysession.max-session-bytes", "10240")));
  private final SessionItem items = new SessionItem(settings.dynamoDb());

  @Test
  void toItem_writesKeysTtlAndAttributes_andFromItemReadsThemBack() {
    SessionData session =
        new SessionData(
            SessionIds.generate(),
            NOW.minusSeconds(60),
            NOW,
            Duration.ofSeconds(1800),
            7,
            Map.of("a", new byte[] {1, 2}, "b", new byte[] {3}));
    Map<String, AttributeValue> item = items.toItem(session, "token");

    assertThat(SessionItem.writeToken(item)).isEqualTo("token");
    assertThat(SessionItem.version(item)).isEqualTo(7);
    assertThat(item.get("PK").s()).isEqualTo("shop#" + session.id());
    assertThat(item.get("SK").s()).isEqualTo("SESSION");
    // Expiry 10:30:00.250 rounds up to the next whole second.
    assertThat(item.get("ttl").n())
        .isEqualTo(String.valueOf(NOW.plusSeconds(1800).getEpochSecond() + 1));
    assertThat(item.get("ds_attrs").m()).containsOnlyKeys("a", "b");

    SessionData back = items.fromItem(session.id(), item, NOW);
    assertThat(back.creationTime()).isEqualTo(session.creationTime());
    assertThat(back.lastAccessedTime()).isEqualTo(session.lastAccessedTime());
    assertThat(back.maxInactiveInterval()).isEqualTo(session.maxInactiveInterval());
    assertThat(back.version()).isEqualTo(7);
    assertThat(back.attributes().get("a")).containsExactly(1, 2);
  }

  @Test
  void toItem_writesTheLoginAsItsOwnItemAttribute_andFromItemReadsItBack() {
    SessionLogin login =
        new SessionLogin(
            "alice",
            new java.util.LinkedHashSet<>(java.util.List.of("user", "admin")),
            "org.example.Mechanism",
            NOW);
    SessionData session = new SessionData("x", NOW, NOW, Duration.ofHours(1), 0, Map.of(), login);
    Map<String, AttributeValue> item = items.toItem(session, "t");

    assertThat(item.get("ds_login").m().get("caller").s()).isEqualTo("alice");
    assertThat(item.get("ds_attrs").m()).isEmpty();
    assertThat(items.fromItem("x", item, NOW).login()).isEqualTo(login);
    assertThat(items.fromItem("x", items.toItem(session.withLogin(null), "t"), NOW).login())
        .isNull();
  }

  @Test
  void fromItem_whenTheLoginIsMalformed_servesTheSessionLoggedOut() {
    SessionData session =
        new SessionData("x", NOW, NOW, Duration.ofHours(1), 0, Map.of("a", new byte[] {1}));
    for (AttributeValue bad :
        java.util.List.of(
            AttributeValue.fromS("alice"),
            AttributeValue.fromM(Map.of("caller", AttributeValue.fromS("alice"))),
            AttributeValue.fromM(
                Map.of(
                    "caller",
                    AttributeValue.fromN("1"),
                    "groups",
                    AttributeValue.fromL(java.util.List.of()),
                    "mechanism",
                    AttributeValue.fromS("m"),
                    "at",
                    AttributeValue.fromN("1"))),
            AttributeValue.fromM(
                Map.of(
                    "caller",
                    AttributeValue.fromS(""),
                    "groups",
                    AttributeValue.fromL(java.util.List.of()),
                    "mechanism",
                    AttributeValue.fromS("m"),
                    "at",
                    AttributeValue.fromN("1"))))) {
      Map<String, AttributeValue> item = new LinkedHashMap<>(items.toItem(session, "t"));
      item.put("ds_login", bad);

      SessionData back = items.fromItem("x", item, NOW);
      assertThat(back.login()).as("%s", bad).isNull();
      assertThat(back.attributes()).containsOnlyKeys("a");
    }
  }

  @Test
  void size_countsTheLogin() {
    SessionData session = new SessionData("x", NOW, NOW, Duration.ofHours(1), 0, Map.of());
    SessionData loggedIn =
        session.withLogin(new SessionLogin("a".repeat(1000), java.util.Set.of("g"), "m", NOW));
    assertThat(items.size(loggedIn) - items.size(session)).isGreaterThan(1000);
  }

  @Test
  void toItem_whenSessionNeverExpires_writesNoTtl() {
    SessionData session = new SessionData("x", NOW, NOW, Duration.ZERO, 0, Map.of());
    assertThat(items.toItem(session, "t")).doesNotContainKey("ttl");
  }

  @Test
  void fromItem_whenAnAttributeIsNotBinary_dropsItAlone() {
    Map<String, AttributeValue> item =
        new LinkedHashMap<>(
            items.toItem(
                new SessionData(
                    "x", NOW, NOW, Duration.ofHours(1), 0, Map.of("good", new byte[] {1})),
                "t"));
    Map<String, AttributeValue> attrs = new LinkedHashMap<>(item.get("ds_attrs").m());
    attrs.put("bad", AttributeValue.fromS("not bytes"));
    item.put("ds_attrs", AttributeValue.fromM(attrs));
    assertThat(items.fromItem("x", item, NOW).attributes()).containsOnlyKeys("good");
  }

  @Test
  void newWriteToken_hasTheLengthTheSizeComputationCounts_andDiffersEachTime() {
    assertThat(SessionItem.newWriteToken()).hasSize(12).isNotEqualTo(SessionItem.newWriteToken());
  }

  @Test
  void ttlPassed_isTrueFromTheExpirySecondOn() {
    Map<String, AttributeValue> item =
        Map.of("ttl", AttributeValue.fromN(String.valueOf(NOW.getEpochSecond())));
    assertThat(items.ttlPassed(item, NOW)).isTrue();
    assertThat(items.ttlPassed(item, NOW.minusSeconds(1))).isFalse();
  }

  @Test
  void size_countsNamesAndValuesAsDynamoDbDoes_andGrowsWithEveryAttribute() {
    SessionData empty = new SessionData("x", NOW, NOW, Duration.ofHours(1), 0, Map.of());
    SessionData one =
        new SessionData("x", NOW, NOW, Duration.ofHours(1), 0, Map.of("name", new byte[100]));
    assertThat(items.size(one) - items.size(empty)).isEqualTo("name".length() + 100 + 1);
  }

  @Test
  void checkSize_whenOverTheLimit_throwsNamingTheLargestAttributesButNotTheId() {
    DynamoDbSessionStore store =
        new DynamoDbSessionStore(
            software.amazon.awssdk.services.dynamodb.DynamoDbClient.builder()
                .region(software.amazon.awssdk.regions.Region.AP_NORTHEAST_1)
                .httpClientBuilder(software.amazon.awssdk.http.apache5.Apache5HttpClient.builder())
                .credentialsProvider(
                    () ->
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                            "a", "b"))
                .build(),
            settings.dynamoDb());
    String id = SessionIds.generate();
    SessionData big =
        new SessionData(
            id,
            NOW,
            NOW,
            Duration.ofHours(1),
            0,
            Map.of("photo", new byte[9000], "note", new byte[2000], "tiny", new byte[1]));
    assertThatThrownBy(() -> store.checkSize(big))
        .isInstanceOf(SessionTooLargeException.class)
        .hasMessageContaining("over the limit of 10240 bytes")
        .hasMessageContaining("'photo' (9000 bytes)")
        .hasMessageNotContaining(id);
    store.checkSize(
        new SessionData(id, NOW, NOW, Duration.ofHours(1), 0, Map.of("small", new byte[100])));
  }

  @Test
  void binary_keepsTheBytes() {
    assertThat(SessionItem.binary(new byte[] {9}).b())
        .isEqualTo(SdkBytes.fromByteArray(new byte[] {9}));
  }
}
