package io.github.dysession.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdsTest {

  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  /** A well-formed id: 42 'A' and a last character with zero padding bits. */
  private static final String VALID = "A".repeat(42) + "Q";

  @Test
  void generate_returns43CharactersOfTheBase64UrlAlphabet() {
    for (int i = 0; i < 1000; i++) {
      String id = SessionIds.generate();
      assertThat(id).hasSize(43).hasSize(SessionIds.LENGTH).matches("[A-Za-z0-9_-]{43}");
    }
  }

  @Test
  void generate_returnsWellFormedIds() {
    for (int i = 0; i < 1000; i++) {
      String id = SessionIds.generate();
      assertThat(SessionIds.isWellFormed(id)).as(id).isTrue();
    }
  }

  @Test
  void generate_10000Ids_areAllDistinct() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(SessionIds.generate());
    }
    assertThat(ids).hasSize(10_000);
  }

  @Test
  void generate_decodesTo32BytesAndReencodesToTheSameId() {
    for (int i = 0; i < 1000; i++) {
      String id = SessionIds.generate();
      byte[] bytes = Base64.getUrlDecoder().decode(id);
      assertThat(bytes).hasSize(32);
      assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)).isEqualTo(id);
    }
  }

  @Test
  void generate_usesTheWholeAlphabet() {
    Set<Character> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      for (char c : SessionIds.generate().toCharArray()) {
        seen.add(c);
      }
    }
    // 43,000 random characters cover all 64 with overwhelming probability; a broken
    // generator (hex, zero bytes, standard alphabet) would not.
    assertThat(seen).hasSize(64).contains('-', '_');
  }

  @Test
  void isWellFormed_acceptsAValidId() {
    assertThat(SessionIds.isWellFormed(VALID)).isTrue();
    assertThat(SessionIds.isWellFormed("abcdefghijklmnopqrstuvwxyz-_0123456789ABCDE")).isTrue();
  }

  @ParameterizedTest
  @NullAndEmptySource
  void isWellFormed_whenNullOrEmpty_returnsFalse(String value) {
    assertThat(SessionIds.isWellFormed(value)).isFalse();
  }

  @Test
  void isWellFormed_whenLengthNot43_returnsFalse() {
    assertThat(SessionIds.isWellFormed("A".repeat(42))).isFalse();
    assertThat(SessionIds.isWellFormed("A".repeat(44))).isFalse();
    assertThat(SessionIds.isWellFormed(VALID + "A")).isFalse();
    assertThat(SessionIds.isWellFormed(VALID.substring(1))).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"+", "/", "=", " ", ".", "é", "\u00c0", "\uff21", "\u0000", "\n"})
  void isWellFormed_whenCharacterOutsideBase64Url_returnsFalse(String bad) {
    assertThat(SessionIds.isWellFormed(bad + VALID.substring(1))).isFalse();
    assertThat(SessionIds.isWellFormed(VALID.substring(0, 20) + bad + VALID.substring(21)))
        .isFalse();
  }

  @Test
  void isWellFormed_whenPaddedWithEquals_returnsFalse() {
    assertThat(SessionIds.isWellFormed("A".repeat(42) + "=")).isFalse();
    assertThat(SessionIds.isWellFormed(VALID + "=")).isFalse();
  }

  @Test
  void isWellFormed_whenNonAsciiSurrogatePair_returnsFalse() {
    // An emoji is two chars: 41 'A' + emoji = 43 chars.
    assertThat(SessionIds.isWellFormed("A".repeat(41) + "\ud83d\ude00")).isFalse();
  }

  @Test
  void isWellFormed_whenLastCharacterHasNonZeroPaddingBits_returnsFalse() {
    assertThat(SessionIds.isWellFormed("A".repeat(42) + "B")).isFalse();
    assertThat(SessionIds.isWellFormed("A".repeat(42) + "_")).isFalse();
  }

  @Test
  void isWellFormed_lastCharacter_acceptedExactlyWhenItsLowTwoBitsAreZero() {
    String prefix = SessionIds.generate().substring(0, 42);
    for (int i = 0; i < ALPHABET.length(); i++) {
      String candidate = prefix + ALPHABET.charAt(i);
      boolean canonical =
          Base64.getUrlEncoder()
              .withoutPadding()
              .encodeToString(Base64.getUrlDecoder().decode(candidate))
              .equals(candidate);
      assertThat(SessionIds.isWellFormed(candidate))
          .as("last character %s (index %d)", ALPHABET.charAt(i), i)
          .isEqualTo(i % 4 == 0)
          .isEqualTo(canonical);
    }
  }

  @Test
  void fingerprint_isHashAnd8LowerCaseHexDigits() {
    for (int i = 0; i < 100; i++) {
      assertThat(SessionIds.fingerprint(SessionIds.generate())).matches("#[0-9a-f]{8}");
    }
  }

  @Test
  void fingerprint_isTheFirst4BytesOfSha256() throws Exception {
    byte[] hash =
        MessageDigest.getInstance("SHA-256").digest(VALID.getBytes(StandardCharsets.UTF_8));
    assertThat(SessionIds.fingerprint(VALID)).isEqualTo("#" + HexFormat.of().formatHex(hash, 0, 4));
  }

  @Test
  void fingerprint_isStable() {
    String id = SessionIds.generate();
    assertThat(SessionIds.fingerprint(id)).isEqualTo(SessionIds.fingerprint(id));
    assertThat(SessionIds.fingerprint(id))
        .isEqualTo(SessionIds.fingerprint(new String(id.toCharArray())));
  }

  @Test
  void fingerprint_differsForDifferentIds() {
    String a = "A".repeat(42) + "Q";
    String b = "A".repeat(42) + "g";
    assertThat(SessionIds.fingerprint(a)).isNotEqualTo(SessionIds.fingerprint(b));
    Set<String> fingerprints = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      fingerprints.add(SessionIds.fingerprint(SessionIds.generate()));
    }
    // 32-bit fingerprints of 100 random ids collide with probability about 1e-6.
    assertThat(fingerprints).hasSizeGreaterThanOrEqualTo(99);
  }

  @Test
  void fingerprint_neverContainsTheId() {
    for (int i = 0; i < 1000; i++) {
      String id = SessionIds.generate();
      String fingerprint = SessionIds.fingerprint(id);
      assertThat(fingerprint).hasSize(9).doesNotContain(id);
      assertThat(id).doesNotContain(fingerprint.substring(1));
    }
  }

  @Test
  void fingerprint_whenNull_returnsNone() {
    assertThat(SessionIds.fingerprint(null)).isEqualTo("#none");
  }
}
