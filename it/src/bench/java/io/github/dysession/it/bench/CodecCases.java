package io.github.dysession.it.bench;

import io.github.dysession.codec.AttributeCodec;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;

/**
 * The attribute values of the codec benchmark and the two ways to write them: {@code json}, what
 * dysession's {@link AttributeCodec} does with them (JSON-B with a type descriptor), and {@code
 * java}, the codec's Java-serialization format (tag {@code 0x02} + an {@code ObjectOutputStream}),
 * deflated above 1 KB as the codec does. Both decode through the codec's real {@code decode}
 * (allow-list filter included).
 */
public final class CodecCases {

  /** The cases, as {@code value/format}. */
  public static final List<String> CASES =
      List.of(
          "smallMap/json",
          "smallMap/java",
          "recordList/json",
          "recordList/java",
          "bean/java",
          "largeRecordList/json",
          "largeRecordList/java");

  /** What the values are, for the report. */
  public static final Map<String, String> DESCRIPTIONS =
      Map.of(
          "smallMap", "`LinkedHashMap<String, String>` with 5 entries",
          "recordList", "`ArrayList` of 5 records (`String`, `int`, `BigDecimal`)",
          "bean",
              "`Serializable` `@SessionScoped`-like bean (`int`, `String`, `Instant`,"
                  + " `ArrayList<String>` of 5)",
          "largeRecordList", "`ArrayList` of 60 records: over 1 KB, so compressed");

  /** A line of a shopping cart: a public record, so JSON-B can write it. */
  public record Item(String sku, int quantity, BigDecimal price) implements Serializable {}

  /** A session-scoped bean as applications write them: Serializable, mutable fields. */
  public static final class CartBean implements Serializable {
    private static final long serialVersionUID = 1L;
    private int count;
    private String user;
    private Instant since;
    private final ArrayList<String> recent = new ArrayList<>();

    CartBean fill() {
      count = 42;
      user = "user-4711@example.com";
      since = Instant.parse("2025-01-02T03:04:05Z");
      for (int i = 0; i < 5; i++) {
        recent.add("product-" + (1000 + i * 37));
      }
      return this;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CartBean b
          && b.count == count
          && b.user.equals(user)
          && b.since.equals(since)
          && b.recent.equals(recent);
    }

    @Override
    public int hashCode() {
      return count;
    }
  }

  private static final Jsonb JSONB = JsonbBuilder.create();

  private CodecCases() {}

  /** A codec like dysession's on a server: this class loader's classes are the application's. */
  public static AttributeCodec codec() {
    return new AttributeCodec(JSONB, CodecCases.class.getClassLoader(), List.of());
  }

  public static Object value(String name) {
    return switch (name) {
      case "smallMap" -> {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("locale", "en-GB");
        m.put("theme", "dark");
        m.put("currency", "EUR");
        m.put("lastPage", "/catalogue/books?page=3");
        m.put("csrf", "b1946ac92492d2347c6235b4d2611184");
        yield m;
      }
      case "recordList" -> items(5);
      case "largeRecordList" -> items(60);
      case "bean" -> new CartBean().fill();
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static List<Item> items(int n) {
    ArrayList<Item> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add(
          new Item(
              "SKU-" + (100_000 + i * 7919 % 90_000),
              1 + i % 4,
              new BigDecimal("19.99").add(BigDecimal.valueOf(i))));
    }
    return items;
  }

  /**
   * Encodes {@code value} in {@code format} ("json": the codec; "java": the codec's Java format).
   */
  public static byte[] encode(AttributeCodec codec, String format, Object value) {
    return switch (format) {
      case "json" -> codec.encode("v", value);
      case "java" -> javaEncode(value);
      default -> throw new IllegalArgumentException(format);
    };
  }

  /** Size of the encoding before compression (the same as its size when it was not compressed). */
  public static int plainSize(AttributeCodec codec, String format, Object value) {
    byte[] encoded = encode(codec, format, value);
    if (encoded[0] != 0x03) {
      return encoded.length;
    }
    java.util.zip.Inflater inflater = new java.util.zip.Inflater();
    try {
      inflater.setInput(encoded, 1, encoded.length - 1);
      byte[] buffer = new byte[8192];
      int total = 0;
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && inflater.needsInput()) {
          break;
        }
        total += n;
      }
      return total;
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalStateException(e);
    } finally {
      inflater.end();
    }
  }

  static byte[] javaPlain(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    bytes.write(0x02);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] javaEncode(Object value) {
    byte[] plain = javaPlain(value);
    if (plain.length <= AttributeCodec.COMPRESSION_THRESHOLD) {
      return plain;
    }
    Deflater deflater = new Deflater(Deflater.BEST_SPEED);
    try {
      deflater.setInput(plain);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 2 + 16);
      out.write(0x03);
      byte[] buffer = new byte[8192];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      byte[] deflated = out.toByteArray();
      return deflated.length < plain.length ? deflated : plain;
    } finally {
      deflater.end();
    }
  }
}
