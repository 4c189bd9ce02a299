package io.github.dysession.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Generates, checks and fingerprints session ids.
 *
 * <p>An id is 32 bytes (256 bits) from {@link SecureRandom}, written in unpadded base64url: 43
 * characters from {@code A-Z a-z 0-9 - _}. Logs and messages show only {@link #fingerprint}.
 */
public final class SessionIds {

  /** The length of a well-formed id. */
  public static final int LENGTH = 43;

  private static final int RANDOM_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

  private SessionIds() {}

  /** Returns a new random id. */
  public static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return ENCODER.encodeToString(bytes);
  }

  /** Returns whether {@code value} has the shape of an id this class generates. */
  public static boolean isWellFormed(String value) {
    if (value == null || value.length() != LENGTH) {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        return false;
      }
    }
    // The last character carries only 4 of 6 bits: the other 2 are zero in a generated id.
    return "AEIMQUYcgkosw048".indexOf(value.charAt(LENGTH - 1)) >= 0;
  }

  /**
   * Returns the handle that names a session in a listing of a user's sessions instead of its id:
   * base64url of the first 16 bytes of SHA-256 over {@code dysession-handle:} and the id. It cannot
   * be turned back into the id, and differs from the log fingerprint.
   */
  public static String handle(String id) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("dysession-handle:" + id).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder()
          .withoutPadding()
          .encodeToString(java.util.Arrays.copyOf(digest, 16));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * Returns a short, irreversible fingerprint of an id for logs and messages: {@code #} and the
   * first 8 hex digits of its SHA-256. Never log the id itself.
   */
  public static String fingerprint(String id) {
    if (id == null) {
      return "#none";
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return "#" + HexFormat.of().formatHex(hash, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
