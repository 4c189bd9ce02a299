package io.github.dysession.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbException;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The codec's own writing and reading of integers, longs, booleans and plain strings gives exactly
 * the bytes and values JSON-B gives, and leaves every other form to JSON-B.
 */
class ScalarJsonTest {

  private static Jsonb jsonb;
  private static AttributeCodec codec;

  @BeforeAll
  static void create() {
    jsonb = JsonbBuilder.create();
    codec = new AttributeCodec(jsonb, ScalarJsonTest.class.getClassLoader(), List.of());
  }

  @AfterAll
  static void close() throws Exception {
    jsonb.close();
  }

  /** What the codec wrote through JSON-B for a value of descriptor {@code d}. */
  private static byte[] throughJsonb(String descriptor, Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.writeBytes(descriptor.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.writeBytes(jsonb.toJson(value).getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static List<Object> values() {
    List<Object> values = new ArrayList<>();
    for (int i :
        new int[] {0, 1, -1, 9, 10, 42, -42, 1_000_000, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      values.add(i);
    }
    for (long l :
        new long[] {
          0,
          7,
          -7,
          1L << 40,
          999_999_999_999_999_999L,
          -999_999_999_999_999_999L,
          Long.MAX_VALUE,
          Long.MIN_VALUE
        }) {
      values.add(l);
    }
    values.add(true);
    values.add(false);
    StringBuilder printable = new StringBuilder();
    for (char c = 0x20; c < 0x7f; c++) {
      printable.append(c);
    }
    values.add(printable.toString());
    values.add("");
    values.add("user-42@example.com");
    values.add("line\nbreak");
    values.add("tab\there");
    values.add("quote\"d");
    values.add("back\\slash");
    values.add("slash/ed");
    values.add("a/b");
    values.add("caf\u00e9");
    values.add("\u20ac 5");
    values.add("emoji \ud83d\ude00");
    values.add("\u007f delete");
    values.add("x".repeat(3000));
    return values;
  }

  private static String descriptor(Object value) {
    if (value instanceof Integer) {
      return "I";
    }
    if (value instanceof Long) {
      return "J";
    }
    return value instanceof Boolean ? "Z" : "S";
  }

  @Test
  void writesTheBytesJsonbWrites() {
    for (Object value : values()) {
      byte[] viaJsonb = throughJsonb(descriptor(value), value);
      byte[] expected = viaJsonb.length > AttributeCodec.COMPRESSION_THRESHOLD ? null : viaJsonb;
      byte[] fast = ScalarJson.encode(value);
      if (fast != null) {
        assertThat(fast).as("%s", value.getClass()).isEqualTo(viaJsonb);
      }
      if (expected != null) {
        assertThat(codec.encode("a", value)).as("%s", value.getClass()).isEqualTo(expected);
      }
    }
    // The commonest values take the fast path.
    assertThat(ScalarJson.encode(42)).isNotNull();
    assertThat(ScalarJson.encode(Long.MIN_VALUE)).isNotNull();
    assertThat(ScalarJson.encode(true)).isNotNull();
    assertThat(ScalarJson.encode("user-42@example.com")).isNotNull();
    // Strings JSON-B escapes or writes as more than one byte per character do not.
    assertThat(ScalarJson.encode("quote\"d")).isNull();
    assertThat(ScalarJson.encode("line\nbreak")).isNull();
    assertThat(ScalarJson.encode("caf\u00e9")).isNull();
    assertThat(ScalarJson.encode((short) 3)).isNull();
  }

  @Test
  void readsEveryValueBackEqualAndOfItsClass() {
    for (Object value : values()) {
      Object decoded = codec.decode("a", codec.encode("a", value));
      assertThat(decoded).isEqualTo(value).isExactlyInstanceOf(value.getClass());
      Object viaJsonb = codec.decode("a", throughJsonb(descriptor(value), value));
      assertThat(viaJsonb).isEqualTo(value).isExactlyInstanceOf(value.getClass());
    }
  }

  @Test
  void leavesEveryOtherFormToJsonbWhichReadsItAsBefore() {
    String[][] cases = {
      {"I", "05"},
      {"I", "-0"},
      {"I", " 5"},
      {"I", "5 "},
      {"I", "5.0"},
      {"I", "1e3"},
      {"I", "2147483648"},
      {"I", "-2147483649"},
      {"I", "99999999999999999999"},
      {"I", "\"5\""},
      {"I", ""},
      {"I", "-"},
      {"J", "9223372036854775807"},
      {"J", "-9223372036854775808"},
      {"J", "9223372036854775808"},
      {"J", "+1"},
      {"J", "-0"},
      {"J", "1000000000000000000"},
      {"Z", "TRUE"},
      {"Z", "1"},
      {"Z", "true "},
      {"S", "\"a\\u0041\""},
      {"S", "\"tab\\there\""},
      {"S", "\"unterminated"},
      {"S", "\"caf\u00e9\""},
      {"S", "5"},
      {"S", "\"a\"b\""},
    };
    for (String[] c : cases) {
      byte[] data = throughJsonbText(c[0], c[1]);
      Type type =
          switch (c[0]) {
            case "I" -> Integer.class;
            case "J" -> Long.class;
            case "Z" -> Boolean.class;
            default -> String.class;
          };
      Object expected;
      try {
        expected = jsonb.fromJson(c[1], type);
      } catch (JsonbException e) {
        expected = e;
      }
      if (expected instanceof JsonbException || expected == null) {
        assertThatThrownBy(() -> codec.decode("a", data))
            .as("%s %s", c[0], c[1])
            .isInstanceOf(CodecException.class);
      } else {
        assertThat(codec.decode("a", data)).as("%s %s", c[0], c[1]).isEqualTo(expected);
      }
      assertThat(ScalarJson.decode(data)).as("left to JSON-B: %s %s", c[0], c[1]).isNull();
    }
  }

  private static byte[] throughJsonbText(String descriptor, String json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.writeBytes(descriptor.getBytes(StandardCharsets.UTF_8));
    out.write(0);
    out.writeBytes(json.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }
}
