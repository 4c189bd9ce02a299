package io.github.dysession.it.demo;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.JsonbException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads and writes the demo's JSON with JSON-B. */
final class JsonValues {

  private static final Jsonb JSON = JsonbBuilder.create(new JsonbConfig().withNullValues(true));

  private JsonValues() {}

  /** Returns {@code value} as JSON text. */
  static String write(Object value) {
    return JSON.toJson(value);
  }

  /**
   * Parses one JSON value into plain Java values: whole numbers become {@code Integer} or {@code
   * Long}, other numbers {@code BigDecimal}, arrays {@code ArrayList}, objects {@code
   * LinkedHashMap}.
   *
   * @throws IllegalArgumentException if {@code text} is not a JSON value
   */
  static Object parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException(usage("The body is empty."));
    }
    try {
      return normalize(JSON.fromJson(text, Object.class));
    } catch (JsonbException | ClassCastException e) {
      throw new IllegalArgumentException(usage("The body is not a JSON value."));
    }
  }

  private static String usage(String problem) {
    return problem + " Send one JSON value, e.g. \"hello\", 20, true or [\"Earth\",\"Mars\"].";
  }

  private static Object normalize(Object value) {
    if (value instanceof BigDecimal number) {
      try {
        long whole = number.longValueExact();
        // Not a conditional expression: that would promote the Integer to a Long.
        if (whole == (int) whole) {
          return Integer.valueOf((int) whole);
        }
        return Long.valueOf(whole);
      } catch (ArithmeticException e) {
        return number;
      }
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(element -> copy.add(normalize(element)));
      return copy;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), normalize(v)));
      return copy;
    }
    return value;
  }
}
