package io.github.dysession.store.dynamodb;

import io.github.dysession.config.DysessionSettings;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Item sizes for the benchmark: dysession's own estimate ({@link SessionItem#size}, the number its
 * 400 KB guard uses; package-private, hence this helper in the same package of the benchmark's
 * sources), and an independent count by DynamoDB's documented rules, as a cross-check.
 */
public final class ItemSizes {

  private ItemSizes() {}

  /** dysession's estimate for the session a stored item holds. */
  public static long dysessionEstimate(
      DysessionSettings settings, String id, Map<String, AttributeValue> item) {
    SessionItem items = new SessionItem(settings.dynamoDb());
    return items.size(items.fromItem(id, item, Instant.now()));
  }

  /**
   * The item's size by DynamoDB's rules: per attribute its name's UTF-8 bytes plus its value's
   * size; strings and binaries by length, numbers about one byte per two significant digits plus
   * one, maps and lists 3 bytes plus one per element plus their elements (map keys count as names).
   */
  public static long dynamoDbRules(Map<String, AttributeValue> item) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      size += utf8(e.getKey()) + value(e.getValue());
    }
    return size;
  }

  private static long value(AttributeValue v) {
    if (v.s() != null) {
      return utf8(v.s());
    }
    if (v.n() != null) {
      String digits = new BigDecimal(v.n()).stripTrailingZeros().unscaledValue().abs().toString();
      return (digits.length() + 1L) / 2 + 1;
    }
    if (v.b() != null) {
      return v.b().asByteArrayUnsafe().length;
    }
    if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
      return 1;
    }
    if (v.hasM()) {
      long size = 3;
      for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
        size += 1 + utf8(e.getKey()) + value(e.getValue());
      }
      return size;
    }
    if (v.hasL()) {
      long size = 3;
      for (AttributeValue element : v.l()) {
        size += 1 + value(element);
      }
      return size;
    }
    if (v.hasSs()) {
      return v.ss().stream().mapToLong(ItemSizes::utf8).sum();
    }
    if (v.hasNs()) {
      List<String> ns = v.ns();
      return ns.stream().mapToLong(n -> value(AttributeValue.fromN(n))).sum();
    }
    if (v.hasBs()) {
      return v.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
    }
    return 0;
  }

  private static long utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
