package io.github.dysession.codec;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Describes the runtime type of a JSON-friendly value precisely enough to decode it to an equal
 * object: {@code Integer} stays {@code Integer}, a {@code List} of {@code Long} stays one.
 *
 * <p>JSON-friendly are strings, booleans, the boxed numbers, {@code BigDecimal}, {@code
 * BigInteger}, enums, records whose components are all JSON-friendly by their declared types, and
 * lists, sets and string-keyed maps whose elements all share one such type. Descriptors are written
 * as {@code L<I>}, {@code M<S>}, {@code T<R:com.example.Point>} and so on.
 */
final class JsonType {

  private static final Map<String, Class<?>> SCALARS =
      Map.ofEntries(
          Map.entry("S", String.class),
          Map.entry("Z", Boolean.class),
          Map.entry("I", Integer.class),
          Map.entry("J", Long.class),
          Map.entry("H", Short.class),
          Map.entry("B", Byte.class),
          Map.entry("D", Double.class),
          Map.entry("F", Float.class),
          Map.entry("N", BigDecimal.class),
          Map.entry("G", BigInteger.class));

  private static final Map<Class<?>, String> CODES = invert(SCALARS);

  // Containers that decode without losing anything the application could rely on: lists decode
  // to ArrayList, sets to LinkedHashSet and maps to LinkedHashMap, keeping iteration order.
  // Sorted, linked-list and other collection classes use Java serialization instead.
  private static final Set<Class<?>> JSON_CONTAINERS =
      Set.of(
          java.util.ArrayList.class,
          java.util.HashMap.class,
          java.util.LinkedHashMap.class,
          java.util.HashSet.class,
          java.util.LinkedHashSet.class,
          List.of().getClass(),
          List.of(1).getClass(),
          Set.of().getClass(),
          Set.of(1).getClass(),
          Map.of().getClass(),
          Map.of(1, 1).getClass(),
          java.util.Collections.unmodifiableList(new java.util.ArrayList<>()).getClass(),
          java.util.Collections.unmodifiableSet(new java.util.HashSet<>()).getClass(),
          java.util.Collections.unmodifiableMap(new java.util.HashMap<>()).getClass(),
          java.util.Collections.emptyList().getClass(),
          java.util.Collections.emptySet().getClass(),
          java.util.Collections.emptyMap().getClass());

  /** Descriptors nest at most this deep; encoding stops at 32 levels. */
  private static final int MAX_DEPTH = 64;

  private static final Map<Class<?>, Boolean> RECORD_CHECKS = new ConcurrentHashMap<>();

  private JsonType() {}

  /** Returns the descriptor of {@code value}, or null when the value is not JSON-friendly. */
  static String describe(Object value) {
    return describe(value, 0);
  }

  private static String describe(Object value, int depth) {
    if (value == null || depth > 32) {
      return null;
    }
    Class<?> type = value.getClass();
    String code = CODES.get(type);
    if (code != null) {
      if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
        return null;
      }
      if (value instanceof Float f && (f.isNaN() || f.isInfinite())) {
        return null;
      }
      return code;
    }
    if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
      return "E:" + ((Enum<?>) value).getDeclaringClass().getName();
    }
    if (type.isRecord()) {
      return isJsonRecord(type) ? "R:" + type.getName() : null;
    }
    if (!JSON_CONTAINERS.contains(type)) {
      return null;
    }
    if (value instanceof List<?> list) {
      return container("L", list, depth);
    }
    if (value instanceof Set<?> set) {
      return container("T", set, depth);
    }
    if (value instanceof Map<?, ?> map) {
      for (Object key : map.keySet()) {
        if (!(key instanceof String)) {
          return null;
        }
      }
      return container("M", map.values(), depth);
    }
    return null;
  }

  private static String container(String kind, Collection<?> elements, int depth) {
    String element = null;
    for (Object e : elements) {
      String d = describe(e, depth + 1);
      if (d == null || (element != null && !element.equals(d))) {
        return null;
      }
      element = d;
    }
    return kind + "<" + (element == null ? "S" : element) + ">";
  }

  /**
   * Returns the Java type a descriptor stands for, loading classes with {@code loader}; each record
   * or enum class must pass {@code allowed}.
   */
  static Type toType(
      String descriptor, ClassLoader loader, java.util.function.Predicate<Class<?>> allowed)
      throws ClassNotFoundException {
    Parser p = new Parser(descriptor, loader, allowed);
    Type t = p.parse();
    if (p.pos != descriptor.length()) {
      throw new IllegalArgumentException("Malformed type descriptor");
    }
    return t;
  }

  private static boolean isJsonRecord(Class<?> type) {
    return RECORD_CHECKS.computeIfAbsent(
        type,
        t -> {
          // JSON-B reads and writes records through their public accessors and constructor.
          if (!java.lang.reflect.Modifier.isPublic(t.getModifiers())) {
            return false;
          }
          for (RecordComponent c : t.getRecordComponents()) {
            if (!isJsonStaticType(c.getGenericType(), 0)) {
              return false;
            }
          }
          return true;
        });
  }

  private static boolean isJsonStaticType(Type type, int depth) {
    if (depth > 16) {
      return false;
    }
    if (type instanceof Class<?> c) {
      if (c.isPrimitive()) {
        return c != char.class && c != void.class;
      }
      return CODES.containsKey(c) || c.isEnum() || (c.isRecord() && isJsonRecord(c));
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class || raw == Set.class) {
        return isJsonStaticType(args[0], depth + 1);
      }
      if (raw == Map.class) {
        return args[0] == String.class && isJsonStaticType(args[1], depth + 1);
      }
      return false;
    }
    return false;
  }

  private static <K, V> Map<V, K> invert(Map<K, V> map) {
    Map<V, K> result = new java.util.HashMap<>();
    map.forEach((k, v) -> result.put(v, k));
    return Map.copyOf(result);
  }

  /** Parses descriptors back into types. */
  private static final class Parser {
    private final String text;
    private final ClassLoader loader;
    private final java.util.function.Predicate<Class<?>> allowed;
    private int pos;

    Parser(String text, ClassLoader loader, java.util.function.Predicate<Class<?>> allowed) {
      this.text = text;
      this.loader = loader;
      this.allowed = allowed;
    }

    private int depth;

    Type parse() throws ClassNotFoundException {
      if (++depth > MAX_DEPTH || text.length() > 4096) {
        throw new IllegalArgumentException("Type descriptor nested too deeply");
      }
      if (text.startsWith("E:", pos) || text.startsWith("R:", pos)) {
        boolean isEnum = text.charAt(pos) == 'E';
        pos += 2;
        int end = pos;
        while (end < text.length() && text.charAt(end) != '>') {
          end++;
        }
        String name = text.substring(pos, end);
        pos = end;
        Class<?> c = Class.forName(name, false, loader);
        if (isEnum ? !c.isEnum() : !c.isRecord()) {
          throw new IllegalArgumentException(
              "Class " + name + " is no longer " + (isEnum ? "an enum" : "a record"));
        }
        if (!allowed.test(c)) {
          throw new SecurityException(
              "class " + name + " is not on the deserialization allow-list");
        }
        depth--;
        return c;
      }
      String code = String.valueOf(text.charAt(pos++));
      Class<?> scalar = SCALARS.get(code);
      if (scalar != null && (pos >= text.length() || text.charAt(pos) != '<')) {
        depth--;
        return scalar;
      }
      if (!(code.equals("L") || code.equals("T") || code.equals("M")) || text.charAt(pos) != '<') {
        throw new IllegalArgumentException("Malformed type descriptor");
      }
      pos++;
      Type element = parse();
      if (pos >= text.length() || text.charAt(pos) != '>') {
        throw new IllegalArgumentException("Malformed type descriptor");
      }
      pos++;
      depth--;
      Class<?> raw =
          code.equals("L")
              ? java.util.ArrayList.class
              : code.equals("T") ? java.util.LinkedHashSet.class : java.util.LinkedHashMap.class;
      Type[] args = code.equals("M") ? new Type[] {String.class, element} : new Type[] {element};
      return new Parameterized(raw, args);
    }
  }

  /** A minimal {@link ParameterizedType} for JSON-B, which only reads it (never compares it). */
  @SuppressWarnings("ArrayRecordComponent")
  private record Parameterized(Class<?> raw, Type[] args) implements ParameterizedType {
    @Override
    public Type[] getActualTypeArguments() {
      return args.clone();
    }

    @Override
    public Type getRawType() {
      return raw;
    }

    @Override
    public Type getOwnerType() {
      return null;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ParameterizedType p
          && raw.equals(p.getRawType())
          && java.util.Arrays.equals(args, p.getActualTypeArguments())
          && p.getOwnerType() == null;
    }

    @Override
    public int hashCode() {
      return Objects.hash(raw, java.util.Arrays.hashCode(args));
    }
  }
}
