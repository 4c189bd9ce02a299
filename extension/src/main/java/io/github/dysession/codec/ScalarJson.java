package io.github.dysession.codec;

import java.nio.charset.StandardCharsets;

/**
 * The JSON encodings of the commonest attribute values, written and read without JSON-B: {@code
 * Integer}, {@code Long}, {@code Boolean}, and a {@code String} of printable ASCII without quotes
 * or backslashes. The bytes are exactly those {@link AttributeCodec} writes through JSON-B for the
 * same value (tag, descriptor, zero, JSON), so either side reads what the other wrote, and an
 * instance of an older version reads them too. Anything else (another type, a string JSON-B would
 * escape, a number in any other form) is left to JSON-B: {@link #encode} and {@link #decode} return
 * null then.
 */
final class ScalarJson {

  private static final byte JSON = 0x01;

  /** Longer digit strings may not fit a long: left to JSON-B, which says what is wrong. */
  private static final int MAX_LONG_DIGITS = 18;

  private ScalarJson() {}

  /** Returns the encoding of {@code value}, or null when JSON-B must write it. */
  static byte[] encode(Object value) {
    if (value instanceof Integer || value instanceof Long) {
      return withDescriptor(
          value instanceof Integer ? 'I' : 'J', Long.toString(((Number) value).longValue()));
    }
    if (value instanceof Boolean b) {
      return withDescriptor('Z', b ? "true" : "false");
    }
    if (value instanceof String s && plain(s)) {
      return withDescriptor('S', '"' + s + '"');
    }
    return null;
  }

  /**
   * Returns the value {@code data} (a JSON encoding: tag, descriptor, zero, JSON) holds, or null
   * when JSON-B must read it.
   */
  static Object decode(byte[] data) {
    if (data.length < 4 || data[2] != 0) {
      return null;
    }
    int from = 3;
    int length = data.length - from;
    return switch (data[1]) {
      case 'I' -> {
        Long n = integer(data, from, length);
        if (n == null || n < Integer.MIN_VALUE || n > Integer.MAX_VALUE) {
          yield null;
        }
        yield Integer.valueOf(n.intValue());
      }
      case 'J' -> integer(data, from, length);
      case 'Z' -> bool(data, from, length);
      case 'S' -> string(data, from, length);
      default -> null;
    };
  }

  private static byte[] withDescriptor(char descriptor, String json) {
    byte[] out = new byte[3 + json.length()];
    out[0] = JSON;
    out[1] = (byte) descriptor;
    out[2] = 0;
    for (int i = 0; i < json.length(); i++) {
      // ASCII only (digits, letters, printable characters): one byte per character.
      out[3 + i] = (byte) json.charAt(i);
    }
    return out;
  }

  /** Printable ASCII that JSON writes as it is: no control character, quote or backslash. */
  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** A JSON integer as JSON-B writes one: optional minus, no leading zero, at most 18 digits. */
  private static Long integer(byte[] data, int from, int length) {
    int i = from;
    int end = from + length;
    boolean negative = data[i] == '-';
    if (negative) {
      i++;
    }
    int digits = end - i;
    if (digits < 1 || digits > MAX_LONG_DIGITS || (data[i] == '0' && digits > 1)) {
      return null;
    }
    long n = 0;
    for (; i < end; i++) {
      int d = data[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      n = n * 10 + d;
    }
    if (negative && n == 0) {
      return null;
    }
    return negative ? -n : n;
  }

  private static Boolean bool(byte[] data, int from, int length) {
    if (matches(data, from, length, "true")) {
      return Boolean.TRUE;
    }
    if (matches(data, from, length, "false")) {
      return Boolean.FALSE;
    }
    return null;
  }

  private static boolean matches(byte[] data, int from, int length, String text) {
    if (length != text.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (data[from + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static String string(byte[] data, int from, int length) {
    int end = from + length - 1;
    if (length < 2 || data[from] != '"' || data[end] != '"') {
      return null;
    }
    for (int i = from + 1; i < end; i++) {
      byte b = data[i];
      if (b < 0x20 || b > 0x7e || b == '"' || b == '\\') {
        return null;
      }
    }
    return new String(data, from + 1, length - 2, StandardCharsets.US_ASCII);
  }
}
