package io.github.dysession.codec;

import static io.github.dysession.codec.CodecForms.deflated;
import static io.github.dysession.codec.CodecForms.javaSerialized;
import static io.github.dysession.codec.CodecForms.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.awt.Point;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AttributeCodecTest {

  private static final byte JSON = CodecForms.JSON;
  private static final byte JAVA = CodecForms.JAVA;
  private static final byte DEFLATED = CodecForms.DEFLATED;
  private static final String SECRET = "SECRET-MARKER-7f3a9";

  private Jsonb jsonb;
  private AttributeCodec codec;

  @BeforeEach
  void setUp() {
    jsonb = JsonbBuilder.create();
    codec = new AttributeCodec(jsonb, getClass().getClassLoader(), List.of());
  }

  @AfterEach
  void tearDown() throws Exception {
    jsonb.close();
  }

  // ---------------------------------------------------------------- test types

  /** A plain enum. */
  public enum Planet {
    EARTH,
    JUPITER,
    SATURN
  }

  /** An enum whose constants have bodies, so their runtime classes are anonymous subclasses. */
  public enum Operation {
    PLUS {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    },
    TIMES {
      @Override
      int apply(int a, int b) {
        return a * b;
      }
    };

    abstract int apply(int a, int b);
  }

  /** A nested record. */
  public record Coordinates(double latitude, double longitude) {}

  /** A record with a nested record, a list, a map, an enum and primitives. */
  public record Place(
      String name,
      Coordinates where,
      List<String> tags,
      Map<String, Integer> counts,
      Planet planet,
      int rank,
      boolean visited) {}

  /** A record declared the way application code usually declares it: package-private. */
  record PackagePrivateRecord(String name, int count) {}

  /** A record with a boxed component that may be null. */
  public record WithNullable(String name, Integer count) {}

  /** A package-private record that is Serializable. */
  record SerializablePackagePrivateRecord(String name, int count) implements Serializable {}

  /** A record with a primitive double that may be NaN. */
  public record Measurement(String unit, double value) {}

  /** A Serializable record with a primitive double that may be NaN. */
  public record SerializableMeasurement(String unit, double value) implements Serializable {}

  /** A record with an int component, to stand for a long component narrowed in a new version. */
  public record Counter(int value) {}

  /** A record that is not JSON-friendly (Object component) and not Serializable. */
  public record Opaque(Object payload) {}

  /** A record that is not JSON-friendly but Serializable: Java serialization path. */
  public record SerializableOpaque(Object payload) implements Serializable {}

  /** A Serializable POJO: Java serialization path. */
  static final class Cart implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String owner;
    private final List<String> items;
    private final char currency;

    Cart(String owner, List<String> items, char currency) {
      this.owner = owner;
      this.items = new ArrayList<>(items);
      this.currency = currency;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Cart c
          && owner.equals(c.owner)
          && items.equals(c.items)
          && currency == c.currency;
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, items, currency);
    }
  }

  /** Not Serializable, and its toString must never reach a message. */
  static final class NotSerializable {
    @Override
    public String toString() {
      return "NotSerializable[" + SECRET + "]";
    }
  }

  /** Serializable, but holds a field that is not. */
  static final class HoldsNotSerializable implements Serializable {
    private static final long serialVersionUID = 1L;

    @SuppressWarnings("unused")
    private final Object inner = new NotSerializable();

    @Override
    public String toString() {
      return "HoldsNotSerializable[" + SECRET + "]";
    }
  }

  /** A singly linked chain, for the depth limit. */
  static final class Node implements Serializable {
    private static final long serialVersionUID = 1L;
    final Node next;

    Node(Node next) {
      this.next = next;
    }

    static Node chain(int length) {
      Node n = null;
      for (int i = 0; i < length; i++) {
        n = new Node(n);
      }
      return n;
    }

    int length() {
      int count = 0;
      for (Node n = this; n != null; n = n.next) {
        count++;
      }
      return count;
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Encodes and decodes, asserting an equal value of the same class. */
  private Object roundTrip(Object value) {
    byte[] bytes = codec.encode("attr", value);
    Object decoded = codec.decode("attr", bytes);
    assertThat(decoded).isEqualTo(value);
    assertThat(decoded).isInstanceOf(value.getClass());
    assertThat(decoded.getClass()).isEqualTo(value.getClass());
    return decoded;
  }

  /** Encodes and decodes a collection; the collection class may change, its contents may not. */
  private Object roundTripContents(Object value) {
    Object decoded = codec.decode("attr", codec.encode("attr", value));
    assertThat(decoded).isEqualTo(value);
    return decoded;
  }

  private static String jsonText(byte[] bytes) {
    return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- scalars

  @Test
  void encode_whenValueIsString_decodesToEqualString() {
    roundTrip("hello");
    roundTrip("");
  }

  @Test
  void encode_whenValueIsUnicodeString_decodesToEqualString() {
    roundTrip("Grüße, Ελληνικά, 日本語, emoji 🌍🚀, RTL עברית");
    roundTrip("control \u0000 \u0001 \t \n \r \" \\ / \u2028 \u2029 end");
    roundTrip("lone surrogate-free \uD83D\uDE00 pair");
  }

  @Test
  void encode_whenStringHasUnpairedSurrogate_decodesToEqualString() {
    roundTrip("ab\uD83D");
    roundTrip("\uDC00x");
    roundTripContents(List.of("ok", "cut\uD83D"));
    roundTripContents(Map.of("key\uDC00", "v"));
  }

  @Test
  void encode_whenValueIsInteger_decodesToInteger() {
    Object decoded = roundTrip(20);
    assertThat(decoded).isExactlyInstanceOf(Integer.class);
    roundTrip(Integer.MIN_VALUE);
    roundTrip(Integer.MAX_VALUE);
    roundTrip(0);
  }

  @Test
  void encode_whenValueIsLong_decodesToLong() {
    assertThat(roundTrip(42L)).isExactlyInstanceOf(Long.class);
    roundTrip(Long.MAX_VALUE);
    roundTrip(Long.MIN_VALUE);
  }

  @Test
  void encode_whenValueIsShort_decodesToShort() {
    assertThat(roundTrip((short) 7)).isExactlyInstanceOf(Short.class);
    roundTrip(Short.MIN_VALUE);
    roundTrip(Short.MAX_VALUE);
  }

  @Test
  void encode_whenValueIsByte_decodesToByte() {
    assertThat(roundTrip((byte) 7)).isExactlyInstanceOf(Byte.class);
    roundTrip(Byte.MIN_VALUE);
    roundTrip(Byte.MAX_VALUE);
  }

  @Test
  void encode_whenValueIsDouble_decodesToDouble() {
    assertThat(roundTrip(3.141592653589793)).isExactlyInstanceOf(Double.class);
    roundTrip(0.1);
    roundTrip(1e300);
    roundTrip(Double.MIN_VALUE);
    roundTrip(Double.MAX_VALUE);
    roundTrip(-2.5);
    roundTrip(1.0);
  }

  @Test
  void encode_whenValueIsNegativeZeroDouble_decodesToNegativeZero() {
    roundTrip(-0.0);
  }

  @Test
  void encode_whenValueIsFloat_decodesToFloat() {
    assertThat(roundTrip(0.1f)).isExactlyInstanceOf(Float.class);
    roundTrip(Float.MAX_VALUE);
    roundTrip(Float.MIN_VALUE);
    roundTrip(-1.5f);
  }

  @Test
  void encode_whenValueIsBoolean_decodesToBoolean() {
    roundTrip(true);
    roundTrip(false);
  }

  @Test
  void encode_whenValueIsBigDecimal_decodesToBigDecimalWithSameScale() {
    BigDecimal decoded = (BigDecimal) roundTrip(new BigDecimal("1.50"));
    assertThat(decoded.scale()).isEqualTo(2);
    assertThat(((BigDecimal) roundTrip(new BigDecimal("1E+3"))).scale()).isEqualTo(-3);
    assertThat(((BigDecimal) roundTrip(new BigDecimal("0.000"))).scale()).isEqualTo(3);
    roundTrip(new BigDecimal("123456789012345678901234567890.123456789012345678901234567890"));
    roundTrip(new BigDecimal("-0.00000000000000000000000000001"));
  }

  @Test
  void encode_whenValueIsBigInteger_decodesToBigInteger() {
    roundTrip(BigInteger.ONE);
    roundTrip(new BigInteger("123456789012345678901234567890123456789012345678901234567890"));
    roundTrip(new BigInteger("-98765432109876543210"));
  }

  @Test
  void encode_whenValueIsDoubleNaNOrInfinite_roundTrips() {
    assertThat((Double) roundTrip(Double.NaN)).isNaN();
    roundTrip(Double.POSITIVE_INFINITY);
    roundTrip(Double.NEGATIVE_INFINITY);
    assertThat((Float) roundTrip(Float.NaN)).isNaN();
    roundTrip(Float.NEGATIVE_INFINITY);
  }

  // ---------------------------------------------------------------- enums and records

  @Test
  void encode_whenValueIsEnum_decodesToSameConstant() {
    assertThat(codec.decode("p", codec.encode("p", Planet.JUPITER))).isSameAs(Planet.JUPITER);
  }

  @Test
  void encode_whenValueIsEnumConstantWithBody_decodesToSameConstant() {
    Object decoded = codec.decode("op", codec.encode("op", Operation.TIMES));
    assertThat(decoded).isSameAs(Operation.TIMES);
    assertThat(((Operation) decoded).apply(6, 7)).isEqualTo(42);
    assertThat(codec.decode("op", codec.encode("op", Operation.PLUS))).isSameAs(Operation.PLUS);
  }

  @Test
  void encode_whenValueIsEnumConstantWithBody_usesJsonWithEnumDescriptor() {
    byte[] bytes = codec.encode("op", Operation.TIMES);
    assertThat(bytes[0]).isEqualTo(JSON);
    assertThat(jsonText(bytes)).isEqualTo("E:" + Operation.class.getName() + "\0\"TIMES\"");
  }

  @Test
  void encode_whenValueIsRecordWithNestedRecordListAndMap_decodesToEqualRecord() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put("moons", 95);
    counts.put("rings", 0);
    Place place =
        new Place(
            "Jupiter",
            new Coordinates(1.5, -2.25),
            List.of("gas", "giant"),
            counts,
            Planet.JUPITER,
            5,
            true);
    byte[] bytes = codec.encode("place", place);
    assertThat(bytes[0]).isEqualTo(JSON);
    Place decoded = (Place) roundTrip(place);
    assertThat(decoded.where()).isExactlyInstanceOf(Coordinates.class);
    assertThat(decoded.counts().get("moons")).isExactlyInstanceOf(Integer.class);
  }

  @Test
  void encode_whenRecordIsNotPublicAndNotSerializable_failsNamingAttributeAndClass() {
    assertThatThrownBy(() -> codec.encode("r", new PackagePrivateRecord("x", 3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'r'")
        .hasMessageContaining(PackagePrivateRecord.class.getName())
        .hasMessageContaining("public record");
  }

  @Test
  void encode_whenValueIsPackagePrivateSerializableRecord_fallsBackToJavaAndRoundTrips() {
    SerializablePackagePrivateRecord value = new SerializablePackagePrivateRecord("x", 3);
    assertThat(codec.encode("r", value)[0]).isEqualTo(JAVA);
    roundTrip(value);
  }

  @Test
  void encode_whenRecordComponentIsNull_decodesToEqualRecord() {
    roundTrip(new WithNullable("n", null));
    roundTrip(new WithNullable(null, 4));
  }

  @Test
  void encode_whenNonSerializableRecordHoldsNaN_failsSayingJsonFailed() {
    assertThatThrownBy(() -> codec.encode("m", new Measurement("kg", Double.NaN)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'m'")
        .hasMessageContaining("could not be written as JSON");
  }

  @Test
  void encode_whenSerializableRecordHoldsNaN_fallsBackToJavaAndRoundTrips() {
    SerializableMeasurement value = new SerializableMeasurement("kg", Double.NaN);
    assertThat(codec.encode("m", value)[0]).isEqualTo(JAVA);
    roundTrip(value);
    roundTrip(new SerializableMeasurement("kg", Double.NEGATIVE_INFINITY));
  }

  @Test
  void encode_whenRecordIsNotJsonFriendlyButSerializable_usesJavaSerialization() {
    SerializableOpaque value = new SerializableOpaque(LocalDate.of(2024, 2, 29));
    byte[] bytes = codec.encode("r", value);
    assertThat(bytes[0]).isEqualTo(JAVA);
    roundTrip(value);
  }

  @Test
  void encode_whenRecordIsNotJsonFriendlyAndNotSerializable_throwsIllegalArgument() {
    assertThatThrownBy(() -> codec.encode("opaque", new Opaque(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'opaque'")
        .hasMessageContaining(Opaque.class.getName());
  }

  // ---------------------------------------------------------------- collections

  @Test
  void encode_whenValueIsListOfInteger_decodesToListOfInteger() {
    List<?> decoded = (List<?>) roundTripContents(List.of(1, 2, 3));
    assertThat(decoded).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Integer.class));
    assertThat(codec.encode("l", List.of(1, 2, 3))[0]).isEqualTo(JSON);
  }

  @Test
  void encode_whenValueIsListOfLong_decodesToListOfLong() {
    List<?> decoded = (List<?>) roundTripContents(List.of(1L, Long.MAX_VALUE));
    assertThat(decoded).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Long.class));
  }

  @Test
  void encode_whenValueIsNestedList_decodesToNestedList() {
    List<List<String>> value = List.of(List.of("a", "b"), List.of(), List.of("c"));
    List<?> decoded = (List<?>) roundTripContents(value);
    assertThat(decoded).allSatisfy(e -> assertThat(e).isInstanceOf(List.class));
  }

  @Test
  void encode_whenValueIsSetOfString_decodesToSetOfString() {
    Object decoded = roundTripContents(Set.of("x", "y", "z"));
    assertThat(decoded).isInstanceOf(Set.class);
  }

  @Test
  void encode_whenValueIsMapOfStringToListOfLong_decodesToMapOfListOfLong() {
    Map<String, List<Long>> value = new HashMap<>();
    value.put("a", List.of(1L, 2L));
    value.put("b", List.of());
    value.put("c", List.of(Long.MIN_VALUE));
    @SuppressWarnings("unchecked")
    Map<String, List<?>> decoded = (Map<String, List<?>>) roundTripContents(value);
    assertThat(decoded.get("a")).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Long.class));
    assertThat(decoded.get("c")).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Long.class));
  }

  @Test
  void encode_whenValueIsListOfEnumsAndRecords_decodesToEqualList() {
    roundTripContents(List.of(Planet.EARTH, Planet.SATURN));
    roundTripContents(List.of(new Coordinates(1, 2), new Coordinates(3, 4)));
    roundTripContents(List.of(Operation.PLUS, Operation.TIMES));
  }

  @Test
  void encode_whenValueIsOrderedOrSortedCollection_decodesToEqualContents() {
    LinkedHashMap<String, Integer> linked = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid", "beta", "omega", "gamma")) {
      linked.put(k, k.length());
    }
    roundTripContents(linked);
    TreeMap<String, Integer> sorted = new TreeMap<>(Comparator.reverseOrder());
    sorted.putAll(linked);
    roundTripContents(sorted);
    roundTripContents(new LinkedHashSet<>(linked.keySet()));
    roundTripContents(new TreeSet<>(linked.keySet()));
  }

  @Test
  void encode_whenValueIsOrderedOrSortedCollection_keepsClassAndOrder() {
    LinkedHashMap<String, Integer> linked = new LinkedHashMap<>();
    for (String k : List.of("zeta", "alpha", "mid", "beta", "omega", "gamma")) {
      linked.put(k, k.length());
    }
    Object decoded = roundTrip(linked);
    assertThat(new ArrayList<Object>(((Map<?, ?>) decoded).keySet()))
        .containsExactlyElementsOf(linked.keySet());
    TreeMap<String, Integer> sorted = new TreeMap<>();
    sorted.putAll(linked);
    roundTrip(sorted);
    LinkedHashSet<String> linkedSet = new LinkedHashSet<>(linked.keySet());
    assertThat(new ArrayList<Object>((Set<?>) roundTrip(linkedSet)))
        .containsExactlyElementsOf(linkedSet);
    roundTrip(new TreeSet<>(linked.keySet()));
    @SuppressWarnings("JdkObsolete") // The collection types an application stores, LinkedList too.
    List<String> linkedList = new java.util.LinkedList<>(List.of("a", "b"));
    roundTrip(linkedList);
  }

  @Test
  void encode_whenValueIsEmptyCollection_decodesToEmptyCollection() {
    assertThat((List<?>) roundTripContents(List.of())).isEmpty();
    assertThat((Map<?, ?>) roundTripContents(Map.of())).isEmpty();
    assertThat((Set<?>) roundTripContents(Set.of())).isEmpty();
  }

  @Test
  void encode_whenValueIsSeedExample_decodesToEqualValues() {
    assertThat(roundTrip(true)).isEqualTo(true);
    assertThat(roundTrip(20)).isExactlyInstanceOf(Integer.class).isEqualTo(20);
    assertThat(roundTripContents(List.of("Earth", "Jupiter", "Saturn")))
        .isEqualTo(List.of("Earth", "Jupiter", "Saturn"));
  }

  @Test
  void encode_whenListHasMixedTypes_fallsBackToJavaSerializationAndRoundTrips() {
    List<Object> mixed = List.of(1, "two", 3L, Planet.EARTH);
    byte[] bytes = codec.encode("mixed", mixed);
    assertThat(bytes[0]).isEqualTo(JAVA);
    List<?> decoded = (List<?>) codec.decode("mixed", bytes);
    assertThat(decoded).isEqualTo(mixed);
    assertThat(decoded.get(0)).isExactlyInstanceOf(Integer.class);
    assertThat(decoded.get(2)).isExactlyInstanceOf(Long.class);
  }

  @Test
  void encode_whenListContainsNull_fallsBackToJavaSerializationAndRoundTrips() {
    List<String> withNull = new ArrayList<>(Arrays.asList("a", null, "b"));
    byte[] bytes = codec.encode("n", withNull);
    assertThat(bytes[0]).isEqualTo(JAVA);
    roundTrip(withNull);
  }

  @Test
  void encode_whenMapHasNonStringKeys_fallsBackToJavaSerializationAndRoundTrips() {
    Map<Integer, String> value = new HashMap<>(Map.of(1, "a", 2, "b"));
    byte[] bytes = codec.encode("m", value);
    assertThat(bytes[0]).isEqualTo(JAVA);
    roundTrip(value);
  }

  // ---------------------------------------------------------------- Java serialization path

  @Test
  void encode_whenValueIsSerializablePojo_usesJavaSerializationAndRoundTrips() {
    Cart cart = new Cart("alice", List.of("apple", "pear"), '€');
    byte[] bytes = codec.encode("cart", cart);
    assertThat(bytes[0]).isEqualTo(JAVA);
    roundTrip(cart);
  }

  @Test
  void encode_whenValueIsLocalDateOrInstant_usesJavaSerializationAndRoundTrips() {
    LocalDate date = LocalDate.of(2024, 2, 29);
    Instant instant = Instant.parse("2024-05-01T12:34:56.123456789Z");
    assertThat(codec.encode("d", date)[0]).isEqualTo(JAVA);
    assertThat(codec.encode("i", instant)[0]).isEqualTo(JAVA);
    roundTrip(date);
    roundTrip(instant);
  }

  @Test
  void encode_whenValueIsCharacter_usesJavaSerializationAndRoundTrips() {
    assertThat(codec.encode("c", 'x')[0]).isEqualTo(JAVA);
    roundTrip('x');
  }

  @Test
  void encode_whenValueIsCharArray_roundTrips() {
    char[] value = "päßword".toCharArray();
    Object decoded = codec.decode("chars", codec.encode("chars", value));
    assertThat(decoded).isInstanceOf(char[].class);
    assertThat((char[]) decoded).containsExactly(value);
  }

  @Test
  void encode_whenValueIsIntArray_roundTrips() {
    int[] value = {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE};
    Object decoded = codec.decode("ints", codec.encode("ints", value));
    assertThat(decoded).isInstanceOf(int[].class);
    assertThat((int[]) decoded).containsExactly(value);
  }

  @Test
  void encode_whenValueIsStringArray_roundTrips() {
    String[] value = {"a", "b"};
    Object decoded = codec.decode("strings", codec.encode("strings", value));
    assertThat(decoded).isInstanceOf(String[].class);
    assertThat((String[]) decoded).containsExactly(value);
  }

  // ---------------------------------------------------------------- format tags

  @Test
  void encode_whenValueIsJsonFriendly_writesReadableJsonWithDescriptor() {
    byte[] bytes = codec.encode("n", 20);
    assertThat(bytes[0]).isEqualTo(JSON);
    assertThat(jsonText(bytes)).isEqualTo("I\u000020");

    byte[] list = codec.encode("planets", List.of("Earth", "Jupiter", "Saturn"));
    assertThat(list[0]).isEqualTo(JSON);
    assertThat(jsonText(list)).isEqualTo("L<S>\0[\"Earth\",\"Jupiter\",\"Saturn\"]");

    byte[] bool = codec.encode("b", true);
    assertThat(jsonText(bool)).isEqualTo("Z\0true");

    byte[] longs = codec.encode("m", Map.of("k", List.of(5L)));
    assertThat(jsonText(longs)).isEqualTo("M<L<J>>\0{\"k\":[5]}");

    byte[] record = codec.encode("c", new Coordinates(1.5, 2.5));
    assertThat(jsonText(record))
        .startsWith("R:" + Coordinates.class.getName() + "\0{")
        .contains("\"latitude\":1.5")
        .contains("\"longitude\":2.5");

    byte[] planet = codec.encode("p", Planet.SATURN);
    assertThat(jsonText(planet)).isEqualTo("E:" + Planet.class.getName() + "\0\"SATURN\"");
  }

  @Test
  void encode_whenValueIsNotJsonFriendly_writesJavaSerializationTag() {
    assertThat(codec.encode("d", LocalDate.of(2020, 1, 1))[0]).isEqualTo(JAVA);
    assertThat(codec.encode("nan", Double.NaN)[0]).isEqualTo(JAVA);
    assertThat(codec.encode("arr", new int[] {1})[0]).isEqualTo(JAVA);
    assertThat(codec.encode("cart", new Cart("a", List.of(), 'x'))[0]).isEqualTo(JAVA);
  }

  // ---------------------------------------------------------------- compression

  @Test
  void encode_whenJsonLargerThanThreshold_compressesAndRoundTrips() {
    String big = "Jupiter ".repeat(AttributeCodec.COMPRESSION_THRESHOLD);
    byte[] bytes = codec.encode("big", big);
    assertThat(bytes[0]).isEqualTo(DEFLATED);
    assertThat(bytes.length).isLessThan(big.length());
    roundTrip(big);
  }

  @Test
  void encode_whenJavaSerializationLargerThanThreshold_compressesAndRoundTrips() {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      items.add("item-" + (i % 10));
    }
    Cart cart = new Cart("bob", items, '$');
    byte[] bytes = codec.encode("cart", cart);
    assertThat(bytes[0]).isEqualTo(DEFLATED);
    roundTrip(cart);
  }

  @Test
  void encode_whenLargeListOfIntegers_compressesAndKeepsIntegers() {
    List<Integer> numbers = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      numbers.add(i);
    }
    byte[] bytes = codec.encode("numbers", numbers);
    assertThat(bytes[0]).isEqualTo(DEFLATED);
    List<?> decoded = (List<?>) codec.decode("numbers", bytes);
    assertThat(decoded).isEqualTo(numbers);
    assertThat(decoded).allSatisfy(e -> assertThat(e).isExactlyInstanceOf(Integer.class));
  }

  @Test
  void encode_whenValueIsIncompressibleAndLarge_staysUncompressed() {
    byte[] random = new byte[4 * AttributeCodec.COMPRESSION_THRESHOLD];
    new Random(42).nextBytes(random);
    byte[] bytes = codec.encode("random", random);
    assertThat(bytes[0]).isEqualTo(JAVA);
    assertThat(bytes.length).isGreaterThan(AttributeCodec.COMPRESSION_THRESHOLD);
    Object decoded = codec.decode("random", bytes);
    assertThat((byte[]) decoded).containsExactly(random);
  }

  @Test
  void encode_whenValueIsSmall_isNotCompressed() {
    // Tag, "S", separator and two quotes: 5 bytes around the string.
    String atThreshold = "a".repeat(AttributeCodec.COMPRESSION_THRESHOLD - 5);
    byte[] bytes = codec.encode("s", atThreshold);
    assertThat(bytes).hasSize(AttributeCodec.COMPRESSION_THRESHOLD);
    assertThat(bytes[0]).isEqualTo(JSON);
    byte[] justAbove = codec.encode("s", atThreshold + "a");
    assertThat(justAbove[0]).isEqualTo(DEFLATED);
    roundTrip(atThreshold + "a");
  }

  // ---------------------------------------------------------------- encode failures

  @Test
  void encode_whenValueIsNotSerializable_throwsWithAttributeAndClassButNotValue() {
    assertThatThrownBy(() -> codec.encode("shoppingCart", new NotSerializable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shoppingCart")
        .hasMessageContaining(NotSerializable.class.getName())
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void encode_whenSerializableHoldsNonSerializableField_throwsWithAttributeName() {
    assertThatThrownBy(() -> codec.encode("holder", new HoldsNotSerializable()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("holder")
        .hasMessageContaining(HoldsNotSerializable.class.getName())
        .hasMessageContaining(NotSerializable.class.getName())
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void encode_whenMapHoldsNonSerializableValue_throwsWithAttributeName() {
    Map<String, Object> map = new HashMap<>();
    map.put("k", new NotSerializable());
    assertThatThrownBy(() -> codec.encode("mapAttr", map))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mapAttr")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void encode_whenValueIsNull_throwsNullPointerException() {
    assertThatThrownBy(() -> codec.encode("x", null)).isInstanceOf(NullPointerException.class);
  }

  // ---------------------------------------------------------------- allow-list

  @Test
  void decode_whenClassIsNotOnAllowList_refuses() throws IOException {
    byte[] bytes = javaSerialized(new Point(3, 4));
    assertThatThrownBy(() -> codec.decode("point", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'point'")
        .hasMessageContaining("allow-list");
  }

  @Test
  void decode_whenClassIsNotOnAllowList_messageNamesTheClass() throws IOException {
    byte[] bytes = javaSerialized(new Point(3, 4));
    assertThatThrownBy(() -> codec.decode("point", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("java.awt.Point")
        .hasMessageNotContaining("class null");
  }

  @Test
  void decode_whenClassIsConfiguredOnAllowList_decodes() throws IOException {
    AttributeCodec allowing =
        new AttributeCodec(jsonb, getClass().getClassLoader(), List.of("java.awt.Point"));
    byte[] bytes = javaSerialized(new Point(3, 4));
    assertThat(allowing.decode("point", bytes)).isEqualTo(new Point(3, 4));
  }

  @Test
  void decode_whenClassIsConfiguredByPackagePattern_decodes() throws IOException {
    AttributeCodec allowing =
        new AttributeCodec(jsonb, getClass().getClassLoader(), List.of("java.awt.*"));
    assertThat(allowing.decode("point", javaSerialized(new Point(1, 2))))
        .isEqualTo(new Point(1, 2));
  }

  @Test
  void decode_whenEncodedByCodecButNotAllowed_refuses() {
    // The codec writes what it will not read back: encode accepts any Serializable value.
    byte[] bytes = codec.encode("point", new Point(5, 6));
    assertThat(bytes[0]).isEqualTo(JAVA);
    assertThatThrownBy(() -> codec.decode("point", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("allow-list");
  }

  @Test
  void decode_whenApplicationClassIsSerialized_decodes() throws IOException {
    Cart cart = new Cart("c", List.of("x"), 'y');
    assertThat(codec.decode("cart", javaSerialized(cart))).isEqualTo(cart);
  }

  @Test
  void decode_whenApplicationClassButCodecUsesUnrelatedLoader_refuses() throws IOException {
    ClassLoader unrelated = new ClassLoader(null) {};
    AttributeCodec other = new AttributeCodec(jsonb, unrelated, List.of());
    // The unrelated loader cannot see Cart; resolveClass falls back to the stream's default
    // resolution, but the filter must still refuse a class the application did not define.
    byte[] bytes = javaSerialized(new Cart("c", List.of("x"), 'y'));
    assertThatThrownBy(() -> other.decode("cart", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'cart'")
        .hasMessageContaining("allow-list");
  }

  @Test
  void decode_whenNestingIsDeeperThanLimit_refuses() throws IOException {
    byte[] bytes = javaSerialized(Node.chain(150));
    assertThatThrownBy(() -> codec.decode("deep", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'deep'");
  }

  @Test
  void decode_whenNestingIsDeeperThanLimit_messageNamesTheLimit() throws IOException {
    byte[] bytes = javaSerialized(Node.chain(150));
    assertThatThrownBy(() -> codec.decode("deep", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageNotContaining("allow-list")
        .hasMessageNotContaining("class null");
  }

  @Test
  void decode_whenNestingIsWithinLimit_decodes() throws IOException {
    Node decoded = (Node) codec.decode("shallow", javaSerialized(Node.chain(50)));
    assertThat(decoded.length()).isEqualTo(50);
  }

  // ---------------------------------------------------------------- corrupt input

  @Test
  void decode_whenBytesAreEmpty_throwsCodecException() {
    assertThatThrownBy(() -> codec.decode("empty", new byte[0]))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'empty'");
    assertThatThrownBy(() -> codec.decode("nullBytes", null))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'nullBytes'");
  }

  @ParameterizedTest
  @ValueSource(bytes = {0x00, 0x04, 0x7f, (byte) 0xff, '{', 'S'})
  void decode_whenTagIsUnknown_throwsCodecException(byte tag) {
    assertThatThrownBy(() -> codec.decode("tagged", new byte[] {tag, 1, 2, 3}))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'tagged'")
        .hasMessageContaining("unknown format tag");
  }

  @Test
  void decode_whenJsonHasNoDescriptorSeparator_throwsCodecException() {
    byte[] bytes = CodecForms.tagged(JSON, "S\"abc\"".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> codec.decode("nosep", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'nosep'");
    assertThatThrownBy(() -> codec.decode("tagOnly", new byte[] {JSON}))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'tagOnly'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "Q",
        "L",
        "L<",
        "L<S",
        "L<S>>",
        "S>",
        "SS",
        "M<>",
        "L<X>",
        "I<S>",
        "E:java.lang.String",
        "R:java.lang.String",
        "E:",
        "R:",
        "L<R:java.lang.Integer>",
        "R:java.lang.Runnable"
      })
  void decode_whenJsonDescriptorIsBad_throwsCodecException(String descriptor) {
    assertThatThrownBy(() -> codec.decode("badDescriptor", json(descriptor, "\"x\"")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'badDescriptor'");
  }

  @Test
  void decode_whenJsonClassDoesNotExist_throwsCodecException() {
    assertThatThrownBy(() -> codec.decode("missing", json("R:com.example.Missing", "{}")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'missing'")
        .hasMessageContaining("com.example.Missing");
    assertThatThrownBy(() -> codec.decode("missingEnum", json("L<E:com.example.Gone>", "[]")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'missingEnum'");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "I\0\"abc\"",
        "I\0null",
        "S\0null",
        "I\0",
        "L<I>\0[1,",
        "L<I>\0{\"a\":1}",
        "Z\0maybe",
        "B\0300",
        "H\0 70000",
        "E:io.github.dysession.codec.AttributeCodecTest$Planet\0\"PLUTO\"",
        "E:io.github.dysession.codec.AttributeCodecTest$Planet\0 42",
        "R:io.github.dysession.codec.AttributeCodecTest$Coordinates\0[1,2]",
        "R:io.github.dysession.codec.AttributeCodecTest$Coordinates\0{\"latitude\":",
        "S\0\"unterminated"
      })
  void decode_whenJsonDoesNotMatchDescriptor_throwsCodecException(String content) {
    byte[] bytes = CodecForms.tagged(JSON, content.getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> codec.decode("badJson", bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'badJson'");
  }

  @Test
  void decode_whenDescriptorIsDeeplyNestedButModerate_throwsCodecExceptionOrDecodes() {
    String descriptor = "L<".repeat(40) + "S" + ">".repeat(40);
    assertThat(codec.decode("nested", json(descriptor, "[]"))).isEqualTo(List.of());
  }

  @Test
  void decodeAll_whenDescriptorIsAbsurdlyDeep_dropsOnlyThatAttribute() {
    String descriptor = "L<".repeat(2000) + "S" + ">".repeat(2000);
    Map<String, byte[]> stored = new LinkedHashMap<>();
    stored.put("deep", json(descriptor, "[]"));
    stored.put("good", codec.encode("good", 1));
    assertThat(codec.decodeAll("session", stored)).containsOnlyKeys("good");
  }

  @Test
  void decode_whenJavaStreamIsTruncated_throwsCodecException() {
    byte[] full = codec.encode("cart", new Cart("x", List.of("y"), 'z'));
    assertThat(full[0]).isEqualTo(JAVA);
    for (int length : new int[] {1, 2, 5, full.length / 2, full.length - 1}) {
      byte[] truncated = Arrays.copyOf(full, length);
      assertThatThrownBy(() -> codec.decode("truncated", truncated))
          .as("length %d", length)
          .isInstanceOf(CodecException.class)
          .hasMessageContaining("'truncated'");
    }
  }

  @Test
  void decode_whenJavaStreamIsGarbage_throwsCodecException() {
    byte[] garbage = new byte[64];
    new Random(7).nextBytes(garbage);
    garbage[0] = JAVA;
    assertThatThrownBy(() -> codec.decode("garbage", garbage))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'garbage'");
  }

  @Test
  void decode_whenCompressedDataIsGarbage_throwsCodecException() {
    byte[] garbage = new byte[64];
    new Random(3).nextBytes(garbage);
    garbage[0] = DEFLATED;
    assertThatThrownBy(() -> codec.decode("zipped", garbage))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'zipped'");
    assertThatThrownBy(() -> codec.decode("zippedEmpty", new byte[] {DEFLATED}))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'zippedEmpty'");
  }

  @Test
  void decode_whenCompressedDataIsTruncated_throwsCodecException() {
    byte[] full = codec.encode("big", "Saturn ".repeat(1000));
    assertThat(full[0]).isEqualTo(DEFLATED);
    byte[] truncated = Arrays.copyOf(full, full.length / 2);
    assertThatThrownBy(() -> codec.decode("big", truncated))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'big'");
  }

  @Test
  void decode_whenCompressedDataIsNestedCompression_throwsCodecException() {
    byte[] inner = deflated(json("S", "\"x\""));
    byte[] outer = deflated(inner);
    assertThatThrownBy(() -> codec.decode("nested", outer))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'nested'");
  }

  @Test
  void decode_whenCompressedDataInflatesToEmpty_throwsCodecException() {
    assertThatThrownBy(() -> codec.decode("emptyInflated", deflated(new byte[0])))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'emptyInflated'");
  }

  @Test
  void decode_whenCompressedDataInflatesTooLarge_refuses() {
    byte[] plain = new byte[17 * 1024 * 1024];
    plain[0] = JAVA;
    byte[] bomb = deflated(plain);
    assertThatThrownBy(() -> codec.decode("bomb", bomb))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("'bomb'");
  }

  @Test
  void decode_whenCompressedJsonWrittenElsewhere_decodes() {
    assertThat(codec.decode("s", deflated(json("L<I>", "[1,2]")))).isEqualTo(List.of(1, 2));
  }

  // ---------------------------------------------------------------- decodeAll

  @Test
  void decodeAll_whenOneAttributeIsCorrupt_returnsTheOthers() {
    Map<String, byte[]> stored = new LinkedHashMap<>();
    stored.put("count", codec.encode("count", 20));
    stored.put("broken", new byte[] {JAVA, 1, 2, 3});
    stored.put("planets", codec.encode("planets", List.of("Earth", "Jupiter", "Saturn")));

    Map<String, Object> decoded = codec.decodeAll("A".repeat(42) + "Q", stored);

    assertThat(decoded).containsOnlyKeys("count", "planets");
    assertThat(decoded.get("count")).isEqualTo(20);
    assertThat(decoded.get("planets")).isEqualTo(List.of("Earth", "Jupiter", "Saturn"));
    assertThat(decoded.keySet()).containsExactly("count", "planets");
  }

  @Test
  void decodeAll_whenCorruptionIsOfEveryKind_returnsTheGoodOnes() {
    Map<String, byte[]> stored = new LinkedHashMap<>();
    stored.put("good1", codec.encode("good1", "value"));
    stored.put("empty", new byte[0]);
    stored.put("tag", new byte[] {0x09});
    stored.put("descriptor", json("L<", "[]"));
    stored.put("missing", json("R:com.example.Missing", "{}"));
    stored.put("json", json("L<I>", "[1,"));
    stored.put("mismatch", json("I", "\"abc\""));
    stored.put("refused", codec.encode("refused", new Point(1, 1)));
    stored.put("zip", new byte[] {DEFLATED, 1, 2, 3});
    stored.put("good2", codec.encode("good2", new Cart("a", List.of(), 'b')));

    Map<String, Object> decoded = codec.decodeAll("session-id", stored);

    assertThat(decoded).containsOnlyKeys("good1", "good2");
  }

  @Test
  void decodeAll_whenAttributeIsCorrupt_logsAttributeButNotSessionIdOrValue() {
    Logger logger = Logger.getLogger(AttributeCodec.class.getName());
    List<LogRecord> records = new ArrayList<>();
    Handler handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            records.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try {
      String sessionId = "B".repeat(42) + "Q";
      Map<String, byte[]> stored = new LinkedHashMap<>();
      stored.put("broken", json("S", "\"" + SECRET)); // unterminated JSON string
      codec.decodeAll(sessionId, stored);

      assertThat(records).hasSize(1);
      String message = records.get(0).getMessage();
      assertThat(records.get(0).getLevel()).isEqualTo(Level.SEVERE);
      assertThat(message).contains("'broken'").doesNotContain(sessionId).doesNotContain(SECRET);
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void decodeAll_whenMapIsEmpty_returnsEmptyMap() {
    assertThat(codec.decodeAll("s", Map.of())).isEmpty();
  }
}
