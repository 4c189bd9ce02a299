package io.github.dysession.it.app;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * Counts the DynamoDB calls of this server instance by operation, with the bytes they sent and
 * received and the capacity DynamoDB says they consumed. The AWS SDK loads it as a global
 * interceptor for every client in the application ({@code
 * software/amazon/awssdk/global/handlers/execution.interceptors}).
 *
 * <p>Bytes are HTTP bodies (the JSON DynamoDB speaks), counted per attempt, so a retried call
 * counts twice. Consumed capacity is what the response's {@code ConsumedCapacity} says; dysession
 * asks for it ({@code ReturnConsumedCapacity.TOTAL}) on every call.
 *
 * <p>The calls of dysession's expiry sweep (on its own thread, {@code dysession-expiry ...}) are
 * not counted: the tests count what requests cost, and a sweep may run at any moment.
 */
public class CallCounter implements ExecutionInterceptor {

  private static final Map<String, AtomicLong> CALLS = new ConcurrentHashMap<>();
  private static final Map<String, Stats> STATS = new ConcurrentHashMap<>();

  /** Running totals of one operation. */
  private static final class Stats {
    final LongAdder attempts = new LongAdder();
    final LongAdder requestBytes = new LongAdder();
    final LongAdder responseBytes = new LongAdder();
    final LongAdder withCapacity = new LongAdder();
    final DoubleAdder capacityUnits = new DoubleAdder();
  }

  /** Whether the calls of the current thread are counted: all but the expiry sweep's. */
  private static boolean counted() {
    return !Thread.currentThread().getName().startsWith("dysession-expiry");
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (!counted()) {
      return;
    }
    CALLS.computeIfAbsent(operation(attributes), k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void beforeTransmission(
      Context.BeforeTransmission context, ExecutionAttributes attributes) {
    if (!counted()) {
      return;
    }
    Stats stats = stats(attributes);
    stats.attempts.increment();
    long length =
        context
            .requestBody()
            .flatMap(body -> body.optionalContentLength())
            .orElseGet(
                () ->
                    context
                        .httpRequest()
                        .firstMatchingHeader("Content-Length")
                        .map(Long::parseLong)
                        .orElse(0L));
    stats.requestBytes.add(length);
  }

  @Override
  public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
    if (!counted()) {
      return;
    }
    context
        .httpResponse()
        .firstMatchingHeader("Content-Length")
        .ifPresent(length -> stats(attributes).responseBytes.add(Long.parseLong(length)));
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (!counted()) {
      return;
    }
    SdkResponse response = context.response();
    // A single ConsumedCapacity on item operations, a list of them on batch and transaction ones.
    Object capacity = response.getValueForField("ConsumedCapacity", Object.class).orElse(null);
    double units = 0;
    boolean reported = false;
    for (Object c :
        capacity instanceof List<?> list
            ? list
            : capacity == null ? List.of() : List.of(capacity)) {
      if (c instanceof ConsumedCapacity cc && cc.capacityUnits() != null) {
        units += cc.capacityUnits();
        reported = true;
      }
    }
    if (reported) {
      Stats stats = stats(attributes);
      stats.withCapacity.increment();
      stats.capacityUnits.add(units);
    }
  }

  private static String operation(ExecutionAttributes attributes) {
    return attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }

  private static Stats stats(ExecutionAttributes attributes) {
    return STATS.computeIfAbsent(operation(attributes), k -> new Stats());
  }

  /** Returns the calls counted so far, by operation name. */
  public static Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    CALLS.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }

  /**
   * Returns per operation: {@code calls}, {@code attempts}, {@code requestBytes}, {@code
   * responseBytes}, {@code capacityUnits} (summed) and {@code callsWithCapacity} (how many
   * responses reported consumed capacity).
   */
  public static Map<String, Map<String, Number>> details() {
    Map<String, Map<String, Number>> result = new TreeMap<>();
    CALLS.forEach(
        (operation, calls) -> {
          Stats stats = STATS.getOrDefault(operation, new Stats());
          Map<String, Number> d = new LinkedHashMap<>();
          d.put("calls", calls.get());
          d.put("attempts", stats.attempts.sum());
          d.put("requestBytes", stats.requestBytes.sum());
          d.put("responseBytes", stats.responseBytes.sum());
          d.put("capacityUnits", stats.capacityUnits.sum());
          d.put("callsWithCapacity", stats.withCapacity.sum());
          result.put(operation, d);
        });
    return result;
  }

  /** Forgets the counts. */
  public static void reset() {
    CALLS.clear();
    STATS.clear();
  }
}
