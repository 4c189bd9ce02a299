package io.github.dysession.config;

import static io.github.dysession.config.DysessionSettings.ALLOWED_CLASSES;
import static io.github.dysession.config.DysessionSettings.API_CALL_ATTEMPT_TIMEOUT;
import static io.github.dysession.config.DysessionSettings.API_CALL_TIMEOUT;
import static io.github.dysession.config.DysessionSettings.CACHE_PERIOD;
import static io.github.dysession.config.DysessionSettings.CONSISTENT_READS;
import static io.github.dysession.config.DysessionSettings.COOKIE_DOMAIN;
import static io.github.dysession.config.DysessionSettings.COOKIE_HTTP_ONLY;
import static io.github.dysession.config.DysessionSettings.COOKIE_NAME;
import static io.github.dysession.config.DysessionSettings.COOKIE_PATH;
import static io.github.dysession.config.DysessionSettings.COOKIE_SAME_SITE;
import static io.github.dysession.config.DysessionSettings.COOKIE_SECURE;
import static io.github.dysession.config.DysessionSettings.CREATE_TABLE;
import static io.github.dysession.config.DysessionSettings.ENABLED;
import static io.github.dysession.config.DysessionSettings.ENDPOINT;
import static io.github.dysession.config.DysessionSettings.KEY_PREFIX;
import static io.github.dysession.config.DysessionSettings.LOGGING_FILE_PATH;
import static io.github.dysession.config.DysessionSettings.LOGGING_TYPE;
import static io.github.dysession.config.DysessionSettings.MAX_RETRIES;
import static io.github.dysession.config.DysessionSettings.MAX_SESSION_BYTES;
import static io.github.dysession.config.DysessionSettings.PARTITION_KEY_NAME;
import static io.github.dysession.config.DysessionSettings.REGION;
import static io.github.dysession.config.DysessionSettings.SORT_KEY_NAME;
import static io.github.dysession.config.DysessionSettings.TABLE_NAME;
import static io.github.dysession.config.DysessionSettings.TOUCH_INTERVAL;
import static io.github.dysession.config.DysessionSettings.TTL_ATTRIBUTE_NAME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.dysession.config.DysessionSettings.LoggingType;
import io.github.dysession.config.DysessionSettings.SecureMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DysessionSettingsTest {

  // ---------------------------------------------------------------- helpers

  private static DysessionSettings settings(String... keyValues) {
    return DysessionSettings.from(SettingsSource.of(map(keyValues)));
  }

  private static Map<String, String> map(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException("key/value pairs expected");
    }
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  private static InvalidSettingsException invalid(String... keyValues) {
    return assertThrows(InvalidSettingsException.class, () -> settings(keyValues));
  }

  /**
   * Asserts that reading {@code keyValues} fails with exactly one problem, which names {@code key}
   * and {@code badValue} and contains the {@code fix} text, and that the message shows it.
   */
  private static String assertSingleProblem(
      String key, String badValue, String fix, String... keyValues) {
    InvalidSettingsException e = invalid(keyValues);
    assertThat(e.problems()).hasSize(1);
    String problem = e.problems().get(0);
    assertThat(problem).startsWith(key + "=\"" + badValue + "\" ").contains(fix);
    assertThat(e.getMessage()).contains("1 problem").contains(problem);
    return problem;
  }

  // ---------------------------------------------------------------- defaults

  @Test
  void defaultSettings_whenNothingSet_usesEveryDocumentedDefault() {
    DysessionSettings s = DysessionSettings.defaultSettings();

    assertThat(s.enabled()).isTrue();
    assertThat(s.tableName()).isEqualTo("sessions");
    assertThat(s.partitionKeyName()).isEqualTo("PK");
    assertThat(s.sortKeyName()).isEqualTo("SK");
    assertThat(s.ttlAttributeName()).isEqualTo("ttl");
    assertThat(s.cachePeriod()).isEqualTo(Duration.ofSeconds(3600));
    assertThat(s.region()).isEqualTo("ap-northeast-1");
    assertThat(s.endpoint()).isNull();
    assertThat(s.createTable()).isFalse();
    assertThat(s.touchInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.consistentReads()).isTrue();
    assertThat(s.keyPrefix()).isEmpty();
    assertThat(s.maxSessionBytes())
        .isEqualTo(400 * 1024)
        .isEqualTo(DysessionSettings.DYNAMODB_ITEM_LIMIT);
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofMillis(5000));
    assertThat(s.apiCallAttemptTimeout()).isEqualTo(Duration.ofMillis(2000));
    assertThat(s.maxRetries()).isEqualTo(3);
    assertThat(s.allowedClasses()).isEmpty();
    assertThat(s.logging().type()).isEqualTo(LoggingType.CONSOLE);
    assertThat(s.logging().filePath()).isEqualTo("session.log");
    assertThat(s.cookie().name()).isEqualTo("DYSESSION");
    assertThat(s.cookie().secure()).isEqualTo(SecureMode.AUTO);
    assertThat(s.cookie().sameSite()).isEqualTo("Lax");
    assertThat(s.cookie().domain()).isNull();
    assertThat(s.cookie().path()).isNull();
    assertThat(s.cookie().httpOnly()).isTrue();
    assertThat(s.loginRotateId()).isTrue();
    assertThat(s.loginLimit().limited()).isFalse();
    assertThat(s.loginLimit().policy()).isEqualTo(DysessionSettings.LoginLimitPolicy.REFUSE);
  }

  @Test
  void loginLimit_whenSet_readsTheNumberAndThePolicy() {
    DysessionSettings s =
        settings(
            DysessionSettings.LOGIN_MAX_SESSIONS,
            "3",
            DysessionSettings.LOGIN_MAX_SESSIONS_POLICY,
            "end_oldest");
    assertThat(s.loginLimit().maxSessions()).isEqualTo(3);
    assertThat(s.loginLimit().limited()).isTrue();
    assertThat(s.loginLimit().policy()).isEqualTo(DysessionSettings.LoginLimitPolicy.END_OLDEST);
    assertThat(s.describe()).contains("max-sessions-per-user=3:END_OLDEST");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "two", "10001"})
  void loginLimit_whenInvalid_namesTheKeyAndTheRange(String value) {
    assertSingleProblem(
        DysessionSettings.LOGIN_MAX_SESSIONS,
        value,
        "from 1 to 10000, or leave it unset",
        DysessionSettings.LOGIN_MAX_SESSIONS,
        value);
  }

  @Test
  void loginLimitPolicy_whenUnknown_listsThePolicies() {
    assertSingleProblem(
        DysessionSettings.LOGIN_MAX_SESSIONS_POLICY,
        "KICK",
        "REFUSE, END_OLDEST",
        DysessionSettings.LOGIN_MAX_SESSIONS_POLICY,
        "KICK");
  }

  @Test
  void expiry_defaultsToASweepEvery30Seconds_andCanBeSwitchedOff() {
    DysessionSettings defaults = settings();
    assertThat(defaults.expiry().sweep()).isTrue();
    assertThat(defaults.expiry().interval()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(defaults.expiry().maxPerSweep()).isEqualTo(500);
    assertThat(defaults.describe()).contains("expiry-sweep=30s");
    DysessionSettings off =
        settings(
            DysessionSettings.EXPIRY_SWEEP,
            "false",
            DysessionSettings.EXPIRY_SWEEP_INTERVAL,
            "5",
            DysessionSettings.EXPIRY_MAX_PER_SWEEP,
            "50");
    assertThat(off.expiry().sweep()).isFalse();
    assertThat(off.expiry().interval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(off.expiry().maxPerSweep()).isEqualTo(50);
    assertThat(off.describe()).contains("expiry-sweep=off");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "3601", "soon"})
  void expiryInterval_whenInvalid_namesTheKeyAndTheRange(String value) {
    assertSingleProblem(
        DysessionSettings.EXPIRY_SWEEP_INTERVAL,
        value,
        "3600",
        DysessionSettings.EXPIRY_SWEEP_INTERVAL,
        value);
  }

  @Test
  void defaults_listsEveryKeyWithItsDocumentedValue() {
    assertThat(DysessionSettings.DEFAULTS)
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry(TABLE_NAME, "sessions"),
                Map.entry(PARTITION_KEY_NAME, "PK"),
                Map.entry(SORT_KEY_NAME, "SK"),
                Map.entry(TTL_ATTRIBUTE_NAME, "ttl"),
                Map.entry(CACHE_PERIOD, "3600"),
                Map.entry(REGION, "ap-northeast-1"),
                Map.entry(LOGGING_TYPE, "CONSOLE"),
                Map.entry(LOGGING_FILE_PATH, "session.log"),
                Map.entry(ENDPOINT, ""),
                Map.entry(CREATE_TABLE, "false"),
                Map.entry(COOKIE_NAME, "DYSESSION"),
                Map.entry(ENABLED, "true"),
                Map.entry(TOUCH_INTERVAL, "60"),
                Map.entry(CONSISTENT_READS, "true"),
                Map.entry(KEY_PREFIX, ""),
                Map.entry(MAX_SESSION_BYTES, "409600"),
                Map.entry(API_CALL_TIMEOUT, "5000"),
                Map.entry(API_CALL_ATTEMPT_TIMEOUT, "2000"),
                Map.entry(MAX_RETRIES, "3"),
                Map.entry(ALLOWED_CLASSES, ""),
                Map.entry(COOKIE_SECURE, "AUTO"),
                Map.entry(COOKIE_SAME_SITE, "Lax"),
                Map.entry(COOKIE_DOMAIN, ""),
                Map.entry(COOKIE_PATH, ""),
                Map.entry(COOKIE_HTTP_ONLY, "true"),
                Map.entry(DysessionSettings.LOGIN_ROTATE_ID, "true"),
                Map.entry(DysessionSettings.LOGIN_MAX_SESSIONS, ""),
                Map.entry(DysessionSettings.LOGIN_MAX_SESSIONS_POLICY, "REFUSE"),
                Map.entry(DysessionSettings.EXPIRY_SWEEP, "true"),
                Map.entry(DysessionSettings.EXPIRY_SWEEP_INTERVAL, "30"),
                Map.entry(DysessionSettings.EXPIRY_MAX_PER_SWEEP, "500")));
    assertThat(DysessionSettings.DEFAULTS.keySet())
        .allMatch(k -> k.startsWith(DysessionSettings.PREFIX));
    // The django-dysession keys come first, in documentation order.
    assertThat(List.copyOf(DysessionSettings.DEFAULTS.keySet()).subList(0, 8))
        .containsExactly(
            TABLE_NAME,
            PARTITION_KEY_NAME,
            SORT_KEY_NAME,
            TTL_ATTRIBUTE_NAME,
            CACHE_PERIOD,
            REGION,
            LOGGING_TYPE,
            LOGGING_FILE_PATH);
  }

  @Test
  void from_whenEveryDefaultIsSetExplicitly_equalsDefaultSettings_butKnowsTheKeysWereSet() {
    DysessionSettings defaults = DysessionSettings.defaultSettings();
    assertThat(defaults.explicitKeys()).isEmpty();

    DysessionSettings all = DysessionSettings.from(SettingsSource.of(DysessionSettings.DEFAULTS));
    assertThat(all).usingRecursiveComparison().ignoringFields("explicitKeys").isEqualTo(defaults);
    // Keys whose default is empty (domain, path) count as unset.
    assertThat(all.isExplicit(DysessionSettings.CACHE_PERIOD)).isTrue();
    assertThat(all.isExplicit(DysessionSettings.COOKIE_PATH)).isFalse();
    for (Map.Entry<String, String> e : DysessionSettings.DEFAULTS.entrySet()) {
      assertThat(settings(e.getKey(), e.getValue()))
          .usingRecursiveComparison()
          .ignoringFields("explicitKeys")
          .as("setting %s to its default %s", e.getKey(), e.getValue())
          .isEqualTo(defaults);
    }
  }

  @Test
  void from_whenValuesAreBlank_usesDefaults() {
    assertThat(settings(TABLE_NAME, "   ", CACHE_PERIOD, "", REGION, "\t"))
        .isEqualTo(DysessionSettings.defaultSettings());
  }

  @Test
  void defaults_isUnmodifiable() {
    assertThrows(
        UnsupportedOperationException.class,
        () -> DysessionSettings.DEFAULTS.put(TABLE_NAME, "other"));
  }

  // ---------------------------------------------------------------- valid overrides

  @Test
  void from_whenEveryKeyOverridden_parsesEachValue() {
    DysessionSettings s =
        settings(
            ENABLED, "false",
            TABLE_NAME, "my_table.v2-prod",
            PARTITION_KEY_NAME, "pk",
            SORT_KEY_NAME, "sk",
            TTL_ATTRIBUTE_NAME, "expires_at",
            CACHE_PERIOD, " 7200 ",
            REGION, "us-east-1",
            ENDPOINT, "http://127.0.0.1:8000",
            CREATE_TABLE, "TRUE",
            TOUCH_INTERVAL, "120",
            CONSISTENT_READS, "False",
            KEY_PREFIX, "myapp#",
            MAX_SESSION_BYTES, "100000",
            API_CALL_TIMEOUT, "10000",
            API_CALL_ATTEMPT_TIMEOUT, "3000",
            MAX_RETRIES, "0",
            ALLOWED_CLASSES, "com.example.Cart; com.example.model.**,org.acme.*",
            LOGGING_TYPE, "FILE",
            LOGGING_FILE_PATH, "/var/log/dysession.log",
            COOKIE_NAME, "SID",
            COOKIE_SECURE, "always",
            COOKIE_SAME_SITE, "strict",
            COOKIE_DOMAIN, ".example.com",
            COOKIE_PATH, "/app",
            COOKIE_HTTP_ONLY, "false");

    assertThat(s.enabled()).isFalse();
    assertThat(s.tableName()).isEqualTo("my_table.v2-prod");
    assertThat(s.partitionKeyName()).isEqualTo("pk");
    assertThat(s.sortKeyName()).isEqualTo("sk");
    assertThat(s.ttlAttributeName()).isEqualTo("expires_at");
    assertThat(s.cachePeriod()).isEqualTo(Duration.ofSeconds(7200));
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.endpoint()).isEqualTo(URI.create("http://127.0.0.1:8000"));
    assertThat(s.createTable()).isTrue();
    assertThat(s.touchInterval()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.consistentReads()).isFalse();
    assertThat(s.keyPrefix()).isEqualTo("myapp#");
    assertThat(s.maxSessionBytes()).isEqualTo(100_000);
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.apiCallAttemptTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.maxRetries()).isZero();
    assertThat(s.allowedClasses())
        .containsExactly("com.example.Cart", "com.example.model.**", "org.acme.*");
    assertThat(s.logging().type()).isEqualTo(LoggingType.FILE);
    assertThat(s.logging().filePath()).isEqualTo("/var/log/dysession.log");
    assertThat(s.cookie().name()).isEqualTo("SID");
    assertThat(s.cookie().secure()).isEqualTo(SecureMode.ALWAYS);
    assertThat(s.cookie().sameSite()).isEqualTo("Strict");
    assertThat(s.cookie().domain()).isEqualTo(".example.com");
    assertThat(s.cookie().path()).isEqualTo("/app");
    assertThat(s.cookie().httpOnly()).isFalse();
  }

  @Test
  void from_whenLoggingTypeLowerCase_acceptsItCaseInsensitively() {
    assertThat(settings(LOGGING_TYPE, "file").logging().type()).isEqualTo(LoggingType.FILE);
    assertThat(settings(LOGGING_TYPE, "Console").logging().type()).isEqualTo(LoggingType.CONSOLE);
  }

  @Test
  void from_whenSameSiteUnset_givesNullSameSite() {
    assertThat(settings(COOKIE_SAME_SITE, "Unset").cookie().sameSite()).isNull();
    assertThat(settings(COOKIE_SAME_SITE, "unset").cookie().sameSite()).isNull();
  }

  @Test
  void from_whenSameSiteAnyCase_normalizesTheValue() {
    assertThat(settings(COOKIE_SAME_SITE, "LAX").cookie().sameSite()).isEqualTo("Lax");
    assertThat(settings(COOKIE_SAME_SITE, "none").cookie().sameSite()).isEqualTo("None");
  }

  @Test
  void from_whenSameSiteNoneWithSecureAuto_accepts() {
    DysessionSettings s = settings(COOKIE_SAME_SITE, "None", COOKIE_SECURE, "AUTO");
    assertThat(s.cookie().sameSite()).isEqualTo("None");
    assertThat(s.cookie().secure()).isEqualTo(SecureMode.AUTO);
  }

  @Test
  void from_whenEndpointHttps_parsesIt() {
    assertThat(settings(ENDPOINT, "https://dynamodb.local:4566").endpoint())
        .isEqualTo(URI.create("https://dynamodb.local:4566"));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"us-east-1", "eu-west-3", "ap-southeast-2", "us-gov-west-1", "cn-north-1"})
  void from_whenRegionIsAnAwsRegionCode_acceptsIt(String region) {
    assertThat(settings(REGION, region).region()).isEqualTo(region);
  }

  @Test
  void from_whenTouchIntervalBelowCachePeriod_acceptsIt() {
    DysessionSettings s = settings(CACHE_PERIOD, "300", TOUCH_INTERVAL, "299");
    assertThat(s.touchInterval()).isEqualTo(Duration.ofSeconds(299));
    assertThat(settings(TOUCH_INTERVAL, "0").touchInterval()).isZero();
  }

  @Test
  void from_whenTouchIntervalUnsetAndCachePeriodSmall_adaptsTouchIntervalInsteadOfFailing() {
    assertThat(settings(CACHE_PERIOD, "60").touchInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings(CACHE_PERIOD, "10").touchInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings(CACHE_PERIOD, "1").touchInterval()).isZero();
    // A cache period above the default touch interval leaves the default alone.
    assertThat(settings(CACHE_PERIOD, "61").touchInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void from_whenAttemptTimeoutEqualsCallTimeout_acceptsIt() {
    DysessionSettings s = settings(API_CALL_TIMEOUT, "3000", API_CALL_ATTEMPT_TIMEOUT, "3000");
    assertThat(s.apiCallAttemptTimeout()).isEqualTo(s.apiCallTimeout());
  }

  @Test
  void from_whenAllowedClassesHasEmptyParts_skipsThem() {
    assertThat(settings(ALLOWED_CLASSES, ";com.a.B;;, ;").allowedClasses())
        .containsExactly("com.a.B");
  }

  @Test
  void allowedClasses_isUnmodifiable() {
    List<String> allowed = settings(ALLOWED_CLASSES, "com.a.B").allowedClasses();
    assertThrows(UnsupportedOperationException.class, () -> allowed.add("com.c.D"));
  }

  // ---------------------------------------------------------------- invalid values

  @Test
  void from_whenTableNameTooShort_failsNamingKeyValueAndFix() {
    assertSingleProblem(TABLE_NAME, "ab", "use 3 to 255 characters", TABLE_NAME, "ab");
  }

  @Test
  void from_whenTableNameHasSpaceAndPunctuation_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        TABLE_NAME, "bad name!", "use 3 to 255 characters from A-Z", TABLE_NAME, "bad name!");
  }

  @Test
  void from_whenTableNameTooLong_failsNamingKeyValueAndFix() {
    String name = "t".repeat(256);
    // Values longer than 200 characters are shown cut to 200 and marked with "...".
    assertSingleProblem(
        TABLE_NAME, "t".repeat(200) + "...", "use 3 to 255 characters", TABLE_NAME, name);
    assertThat(settings(TABLE_NAME, "t".repeat(255)).tableName()).hasSize(255);
  }

  @Test
  void from_whenCachePeriodNegative_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        CACHE_PERIOD, "-5", "use a number of seconds from 1 to 2147483647", CACHE_PERIOD, "-5");
  }

  @Test
  void from_whenCachePeriodZero_failsNamingKeyValueAndFix() {
    assertSingleProblem(CACHE_PERIOD, "0", "use a number of seconds from 1", CACHE_PERIOD, "0");
  }

  @Test
  void from_whenCachePeriodNotNumeric_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        CACHE_PERIOD,
        "1h",
        "is not a whole number of seconds; use a number from 1",
        CACHE_PERIOD,
        "1h");
    assertSingleProblem(CACHE_PERIOD, "abc", "use a number from 1", CACHE_PERIOD, "abc");
  }

  @Test
  void from_whenEndpointHasNoScheme_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        ENDPOINT, "127.0.0.1:8000", "http://127.0.0.1:8000", ENDPOINT, "127.0.0.1:8000");
    assertSingleProblem(
        ENDPOINT, "localhost:8000", "http://localhost:8000", ENDPOINT, "localhost:8000");
  }

  @Test
  void from_whenEndpointHasFtpScheme_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            ENDPOINT, "ftp://example.com", "http://", ENDPOINT, "ftp://example.com");
    assertThat(problem).contains("https://");
  }

  @Test
  void from_whenEndpointHasNoHost_failsNamingKeyValueAndFix() {
    assertSingleProblem(ENDPOINT, "http:///path", "http://HOST:PORT", ENDPOINT, "http:///path");
  }

  @Test
  void from_whenEndpointIsNotAUri_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        ENDPOINT,
        "http://exa mple.com",
        "is not a URI; write it as http://HOST:PORT",
        ENDPOINT,
        "http://exa mple.com");
  }

  @Test
  void from_whenLoggingTypeSyslog_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        LOGGING_TYPE,
        "SYSLOG",
        "is not one of CONSOLE, FILE; use one of them",
        LOGGING_TYPE,
        "SYSLOG");
  }

  @Test
  void from_whenRegionIsACityName_failsNamingKeyValueAndFix() {
    assertSingleProblem(REGION, "Tokyo", "such as ap-northeast-1", REGION, "Tokyo");
    assertSingleProblem(REGION, "ap-northeast", "such as ap-northeast-1", REGION, "ap-northeast");
  }

  @Test
  void from_whenCreateTableNotBoolean_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        CREATE_TABLE, "yes", "is not a boolean; use true or false", CREATE_TABLE, "yes");
  }

  @Test
  void from_whenOtherBooleansInvalid_failsNamingKeyValueAndFix() {
    assertSingleProblem(ENABLED, "1", "use true or false", ENABLED, "1");
    assertSingleProblem(CONSISTENT_READS, "on", "use true or false", CONSISTENT_READS, "on");
    assertSingleProblem(COOKIE_HTTP_ONLY, "maybe", "use true or false", COOKIE_HTTP_ONLY, "maybe");
  }

  @Test
  void from_whenPartitionAndSortKeyNamesEqual_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            SORT_KEY_NAME,
            "id",
            "give the two attributes different names",
            PARTITION_KEY_NAME,
            "id",
            SORT_KEY_NAME,
            "id");
    assertThat(problem).contains(PARTITION_KEY_NAME);
  }

  @Test
  void from_whenTtlAttributeEqualsAKeyName_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            TTL_ATTRIBUTE_NAME,
            "PK",
            "give the two attributes different names",
            TTL_ATTRIBUTE_NAME,
            "PK");
    assertThat(problem).contains(PARTITION_KEY_NAME);
    assertSingleProblem(
        TTL_ATTRIBUTE_NAME, "SK", "is the same as " + SORT_KEY_NAME, TTL_ATTRIBUTE_NAME, "SK");
  }

  @Test
  void from_whenAttributeNameHasReservedPrefix_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            PARTITION_KEY_NAME, "ds_pk", "choose another name", PARTITION_KEY_NAME, "ds_pk");
    assertThat(problem).contains(DysessionSettings.RESERVED_ATTRIBUTE_PREFIX);
    assertSingleProblem(SORT_KEY_NAME, "ds_sk", "choose another name", SORT_KEY_NAME, "ds_sk");
    assertSingleProblem(
        TTL_ATTRIBUTE_NAME, "ds_ttl", "choose another name", TTL_ATTRIBUTE_NAME, "ds_ttl");
  }

  @Test
  void from_whenAttributeNameLongerThan255Bytes_failsNamingKeyValueAndFix() {
    // 128 two-byte characters: 128 chars but 256 UTF-8 bytes.
    String name = "é".repeat(128);
    assertSingleProblem(PARTITION_KEY_NAME, name, "use 1 to 255 bytes", PARTITION_KEY_NAME, name);
    assertThat(settings(PARTITION_KEY_NAME, "p".repeat(255)).partitionKeyName()).hasSize(255);
  }

  @Test
  void from_whenTouchIntervalEqualsCachePeriod_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            TOUCH_INTERVAL, "300", "set it below 300", CACHE_PERIOD, "300", TOUCH_INTERVAL, "300");
    assertThat(problem).contains(CACHE_PERIOD);
  }

  @Test
  void from_whenTouchIntervalLongerThanDefaultCachePeriod_failsNamingKeyValueAndFix() {
    assertSingleProblem(TOUCH_INTERVAL, "7200", "set it below 3600", TOUCH_INTERVAL, "7200");
  }

  @Test
  void from_whenTouchIntervalNegativeOrNotNumeric_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        TOUCH_INTERVAL, "-1", "use a number of seconds from 0", TOUCH_INTERVAL, "-1");
    assertSingleProblem(TOUCH_INTERVAL, "1m", "use a number from 0", TOUCH_INTERVAL, "1m");
  }

  @Test
  void from_whenAttemptTimeoutLongerThanCallTimeout_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            API_CALL_ATTEMPT_TIMEOUT,
            "3000",
            "set it to at most 1000",
            API_CALL_TIMEOUT,
            "1000",
            API_CALL_ATTEMPT_TIMEOUT,
            "3000");
    assertThat(problem).contains(API_CALL_TIMEOUT + " (1000)");
  }

  @Test
  void from_whenTimeoutsOutOfRange_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        API_CALL_TIMEOUT,
        "600001",
        "use a number of milliseconds from 1 to 600000",
        API_CALL_TIMEOUT,
        "600001");
    assertSingleProblem(
        API_CALL_ATTEMPT_TIMEOUT,
        "0",
        "use a number of milliseconds from 1",
        API_CALL_ATTEMPT_TIMEOUT,
        "0");
  }

  @Test
  void from_whenMaxRetriesOutOfRange_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        MAX_RETRIES, "21", "use a number of retries from 0 to 20", MAX_RETRIES, "21");
    assertThat(settings(MAX_RETRIES, "20").maxRetries()).isEqualTo(20);
  }

  @Test
  void from_whenMaxSessionBytesOutOfRange_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        MAX_SESSION_BYTES,
        "409601",
        "use a number of bytes from 1024 to 409600",
        MAX_SESSION_BYTES,
        "409601");
    assertSingleProblem(MAX_SESSION_BYTES, "1023", "from 1024", MAX_SESSION_BYTES, "1023");
  }

  @Test
  void from_whenKeyPrefixHasSpaceOrIsTooLong_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        KEY_PREFIX, "my app#", "without spaces, for example myapp#", KEY_PREFIX, "my app#");
    String tooLong = "p".repeat(65);
    assertSingleProblem(KEY_PREFIX, tooLong, "use at most 64", KEY_PREFIX, tooLong);
  }

  @Test
  void from_whenCookieNameHasSpace_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        COOKIE_NAME, "my cookie", "use a cookie name of letters, digits", COOKIE_NAME, "my cookie");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a;b", "a=b", "a,b", "(sid)", "sid\""})
  void from_whenCookieNameHasSeparator_failsNamingKeyValueAndFix(String name) {
    assertSingleProblem(COOKIE_NAME, name, "RFC 6265", COOKIE_NAME, name);
  }

  @Test
  void from_whenCookieSecureInvalid_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        COOKIE_SECURE,
        "SOMETIMES",
        "is not one of AUTO, ALWAYS, NEVER",
        COOKIE_SECURE,
        "SOMETIMES");
  }

  @Test
  void from_whenSameSiteNoneWithSecureNever_failsNamingKeyValueAndFix() {
    String problem =
        assertSingleProblem(
            COOKIE_SAME_SITE,
            "None",
            "set " + COOKIE_SECURE + " to AUTO or ALWAYS, or choose Lax",
            COOKIE_SAME_SITE,
            "None",
            COOKIE_SECURE,
            "NEVER");
    assertThat(problem).contains("requires a Secure cookie");
  }

  @Test
  void from_whenSameSiteInvalid_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        COOKIE_SAME_SITE,
        "Sometimes",
        "use Lax, Strict, None, or Unset",
        COOKIE_SAME_SITE,
        "Sometimes");
  }

  @Test
  void from_whenCookieDomainOrPathInvalid_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        COOKIE_DOMAIN,
        "exa mple.com",
        "use a host name such as example.com",
        COOKIE_DOMAIN,
        "exa mple.com");
    assertSingleProblem(COOKIE_PATH, "app", "use a path starting with '/'", COOKIE_PATH, "app");
    assertSingleProblem(COOKIE_PATH, "/a;b", "without ';'", COOKIE_PATH, "/a;b");
  }

  @Test
  void from_whenAllowedClassesHasRejectionPattern_failsNamingKeyValueAndFix() {
    assertSingleProblem(
        ALLOWED_CLASSES,
        "!foo",
        "use class names, package.* or package.**",
        ALLOWED_CLASSES,
        "!foo");
  }

  @Test
  void from_whenAllowedClassesMixesValidAndInvalidPatterns_reportsOnlyTheInvalidOnes() {
    InvalidSettingsException e = invalid(ALLOWED_CLASSES, "com.a.B;!foo;maxdepth=5,com.c.*");
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith(ALLOWED_CLASSES + "=\"!foo\" ");
    assertThat(e.problems().get(1)).startsWith(ALLOWED_CLASSES + "=\"maxdepth=5\" ");
  }

  @Test
  void from_whenValueHasControlCharacters_escapesThemInTheMessage() {
    InvalidSettingsException e = invalid(TABLE_NAME, "ab\u0001cd");
    assertThat(e.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("ab\\u0001cd")
        .doesNotContain("\u0001");
  }

  @Test
  void from_whenSeveralValuesInvalid_reportsThemAllInOneException() {
    InvalidSettingsException e =
        invalid(
            TABLE_NAME, "ab",
            CACHE_PERIOD, "-1",
            REGION, "Tokyo",
            LOGGING_TYPE, "SYSLOG",
            COOKIE_NAME, "my cookie");

    assertThat(e.problems()).hasSize(5);
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(TABLE_NAME + "=\"ab\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(CACHE_PERIOD + "=\"-1\""));
    assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(REGION + "=\"Tokyo\""));
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith(LOGGING_TYPE + "=\"SYSLOG\""));
    assertThat(e.problems())
        .anySatisfy(p -> assertThat(p).startsWith(COOKIE_NAME + "=\"my cookie\""));
    assertThat(e.getMessage()).startsWith("Invalid dysession configuration (5 problems):");
    for (String problem : e.problems()) {
      assertThat(e.getMessage()).contains("\n  - " + problem);
    }
  }

  @Test
  void problems_isUnmodifiable() {
    InvalidSettingsException e = invalid(TABLE_NAME, "ab");
    assertThrows(UnsupportedOperationException.class, () -> e.problems().add("x"));
  }

  // ---------------------------------------------------------------- describe

  @Test
  void describe_namesTheTableAndContainsNoCredentials() {
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    String accessKey = "AKIAIOSFODNN7EXAMPLE";
    Map<String, String> values =
        map(
            TABLE_NAME,
            "orders-sessions",
            LOGGING_TYPE,
            "file",
            LOGGING_FILE_PATH,
            "/tmp/ds.log",
            "aws.accessKeyId",
            accessKey,
            "aws.secretAccessKey",
            secret,
            "dysession.aws-secret-access-key",
            secret);
    DysessionSettings s = DysessionSettings.from(SettingsSource.of(values));

    String description = s.describe();

    assertThat(description)
        .contains("table=orders-sessions")
        .contains("region=ap-northeast-1")
        .contains("endpoint=aws")
        .contains("keys=PK/SK")
        .contains("cache-period=3600s")
        .contains("logging=FILE:/tmp/ds.log")
        .doesNotContain(secret)
        .doesNotContain(accessKey)
        .doesNotContainIgnoringCase("secret")
        .doesNotContainIgnoringCase("password")
        .doesNotContain("\n");
  }

  @Test
  void describe_whenEndpointSet_showsIt() {
    assertThat(settings(ENDPOINT, "http://127.0.0.1:8000").describe())
        .contains("endpoint=http://127.0.0.1:8000")
        .contains("logging=CONSOLE")
        .doesNotContain("session.log");
  }

  // ---------------------------------------------------------------- sources

  @Test
  void from_whenReadThroughSmallRyeConfig_parsesTheValues() {
    Map<String, String> props =
        map(
            TABLE_NAME, "mp-table",
            CACHE_PERIOD, "900",
            ENDPOINT, "http://localhost:8000",
            LOGGING_TYPE, "file",
            COOKIE_SAME_SITE, "Unset");
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new PropertiesConfigSource(props, "test", 500))
            .build();

    DysessionSettings s = DysessionSettings.from(key -> config.getOptionalValue(key, String.class));

    assertThat(s.tableName()).isEqualTo("mp-table");
    assertThat(s.cachePeriod()).isEqualTo(Duration.ofSeconds(900));
    assertThat(s.endpoint()).isEqualTo(URI.create("http://localhost:8000"));
    assertThat(s.logging().type()).isEqualTo(LoggingType.FILE);
    assertThat(s.cookie().sameSite()).isNull();
    // Keys not in the config keep their defaults.
    assertThat(s.region()).isEqualTo("ap-northeast-1");
    assertThat(s.touchInterval()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void from_whenSmallRyeConfigHasInvalidValue_failsNamingKeyValueAndFix() {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new PropertiesConfigSource(map(CACHE_PERIOD, "-3"), "test", 500))
            .build();

    InvalidSettingsException e =
        assertThrows(
            InvalidSettingsException.class,
            () -> DysessionSettings.from(key -> config.getOptionalValue(key, String.class)));

    assertThat(e.problems())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith(CACHE_PERIOD + "=\"-3\"")
        .contains("use a number of seconds");
  }

  @Test
  void environment_mapsKeyToUpperCaseUnderscoreVariable() {
    Map<String, String> env =
        map(
            "DYSESSION_DYNAMODB_TABLENAME", "env-table",
            "DYSESSION_COOKIE_SAME_SITE", "Strict");
    SettingsSource source = SettingsSource.environment(env::get);

    assertThat(source.get(TABLE_NAME)).contains("env-table");
    assertThat(source.get(COOKIE_SAME_SITE)).contains("Strict");
    assertThat(source.get(CACHE_PERIOD)).isEmpty();
    DysessionSettings s = DysessionSettings.from(source);
    assertThat(s.tableName()).isEqualTo("env-table");
    assertThat(s.cookie().sameSite()).isEqualTo("Strict");
  }

  @Test
  void environment_prefersExactKeyThenSanitizedThenUpperCase() {
    SettingsSource all =
        SettingsSource.environment(
            map(
                    "dysession.cache-period", "100",
                    "dysession_cache_period", "200",
                    "DYSESSION_CACHE_PERIOD", "300")
                ::get);
    SettingsSource noExact =
        SettingsSource.environment(
            map(
                    "dysession_cache_period", "200",
                    "DYSESSION_CACHE_PERIOD", "300")
                ::get);

    assertThat(all.get(CACHE_PERIOD)).contains("100");
    assertThat(noExact.get(CACHE_PERIOD)).contains("200");
  }

  @Test
  void layered_takesTheFirstSourceThatHasTheKey() {
    SettingsSource systemProperties = SettingsSource.of(map(TABLE_NAME, "from-sysprops"));
    SettingsSource environment =
        SettingsSource.environment(
            map(
                    "DYSESSION_DYNAMODB_TABLENAME", "from-env",
                    "DYSESSION_CACHE_PERIOD", "1800")
                ::get);
    Properties file = new Properties();
    file.setProperty(TABLE_NAME, "from-file");
    file.setProperty(CACHE_PERIOD, "900");
    file.setProperty(REGION, "eu-west-1");
    SettingsSource layered =
        SettingsSource.layered(systemProperties, environment, SettingsSource.of(file));

    assertThat(layered.get(TABLE_NAME)).contains("from-sysprops");
    assertThat(layered.get(CACHE_PERIOD)).contains("1800");
    assertThat(layered.get(REGION)).contains("eu-west-1");
    assertThat(layered.get(ENDPOINT)).isEmpty();

    DysessionSettings s = DysessionSettings.from(layered);
    assertThat(s.tableName()).isEqualTo("from-sysprops");
    assertThat(s.cachePeriod()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(s.region()).isEqualTo("eu-west-1");
  }

  @Test
  void layered_whenNoSources_isEmpty() {
    assertThat(SettingsSource.layered().get(TABLE_NAME)).isEqualTo(Optional.empty());
  }

  @Test
  void of_readsMapAndProperties() {
    Properties p = new Properties();
    p.setProperty(REGION, "us-west-2");
    assertThat(SettingsSource.of(p).get(REGION)).contains("us-west-2");
    assertThat(SettingsSource.of(p).get(TABLE_NAME)).isEmpty();
    assertThat(SettingsSource.of(map(REGION, "us-west-1")).get(REGION)).contains("us-west-1");
  }
}
