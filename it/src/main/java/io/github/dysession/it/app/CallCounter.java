package io.github.dysession.it.app;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts the DynamoDB calls of this server instance by operation. The AWS SDK loads it as a
 * global interceptor for every client in the application
 * ({@code software/amazon/awssdk/global/handlers/execution.interceptors}).
 */
public class CallCounter implements ExecutionInterceptor {

  private static final Map<String, AtomicLong> CALLS = new ConcurrentHashMap<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    CALLS.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
  }

  /** Returns the calls counted so far, by operation name. */
  public static Map<String, Long> snapshot() {
    Map<String, Long> result = new TreeMap<>();
    CALLS.forEach((k, v) -> result.put(k, v.get()));
    return result;
  }

  /** Forgets the counts. */
  public static void reset() {
    CALLS.clear();
  }
}
