package io.github.dysession.it.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A minimal OpenTelemetry collector on 127.0.0.1: it takes OTLP/HTTP metric exports (protobuf,
 * {@code POST /v1/metrics}) and keeps the latest cumulative value of every sum and the count of
 * every histogram, by resource attribute {@code dysession.it.instance}, metric name and point
 * attributes. Other signals are accepted and dropped.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final HttpServer server;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();
  private final Map<String, Double> latest = new ConcurrentHashMap<>();
  private final AtomicInteger exports = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final Map<String, AtomicInteger> exportsByInstance = new ConcurrentHashMap<>();

  private OtlpReceiver(HttpServer server) {
    this.server = server;
  }

  /** Starts a receiver on a free loopback port. */
  public static OtlpReceiver start() {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
      OtlpReceiver receiver = new OtlpReceiver(server);
      server.createContext("/", receiver::handle);
      server.setExecutor(receiver.executor);
      server.start();
      return receiver;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the OTLP receiver", e);
    }
  }

  /** The base address exporters are given ({@code otel.exporter.otlp.endpoint}). */
  public URI endpoint() {
    return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + server.getAddress().getPort());
  }

  /**
   * How many metric exports arrived (and how many could not be read), and the points received of
   * metrics whose name starts with {@code prefix}: for failure messages.
   */
  public String exports(String prefix) {
    return exports.get()
        + " exports, "
        + refused.get()
        + " unreadable; points of "
        + prefix
        + "*: "
        + new TreeMap<>(latest)
            .keySet().stream()
                .filter(k -> k.substring(k.indexOf(' ') + 1).startsWith(prefix))
                .toList();
  }

  /**
   * The latest value of a sum (or count of a histogram) {@code metric} of instance {@code instance}
   * with exactly the point attributes {@code attributes}; 0 where none was exported.
   */
  public double value(String instance, String metric, Map<String, String> attributes) {
    return latest.getOrDefault(key(instance, metric, attributes), 0.0);
  }

  /**
   * Waits until each of {@code instances} sent {@code exports} more exports than when called (each
   * holds what was recorded before it was collected), or fails after {@code timeout}.
   */
  public void awaitExports(java.time.Duration timeout, int exports, String... instances)
      throws InterruptedException {
    Map<String, Integer> start = new java.util.HashMap<>();
    for (String instance : instances) {
      start.put(instance, exportsOf(instance));
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (start.entrySet().stream()
        .anyMatch(e -> exportsOf(e.getKey()) < e.getValue() + exports)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "no "
                + exports
                + " exports of "
                + List.of(instances)
                + " within "
                + timeout
                + "; "
                + exports(""));
      }
      Thread.sleep(100);
    }
  }

  private int exportsOf(String instance) {
    AtomicInteger n = exportsByInstance.get(instance);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = bodyOf(exchange)) {
        body = in.readAllBytes();
      }
      byte[] answer = new byte[0];
      if (exchange.getRequestURI().getPath().endsWith("/v1/metrics")) {
        try {
          record(ExportMetricsServiceRequest.parseFrom(body));
          exports.incrementAndGet();
          answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
        } catch (IOException | RuntimeException e) {
          refused.incrementAndGet();
          exchange.sendResponseHeaders(400, -1);
          return;
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        exchange.getResponseBody().write(answer);
      }
    }
  }

  private static InputStream bodyOf(HttpExchange exchange) throws IOException {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    InputStream in = exchange.getRequestBody();
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private void record(ExportMetricsServiceRequest request) {
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      String instance =
          attributes(resource.getResource().getAttributesList()).get("dysession.it.instance");
      exportsByInstance
          .computeIfAbsent(String.valueOf(instance), k -> new AtomicInteger())
          .incrementAndGet();
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          record(instance, metric);
        }
      }
    }
  }

  private void record(String instance, Metric metric) {
    switch (metric.getDataCase()) {
      case SUM ->
          metric
              .getSum()
              .getDataPointsList()
              .forEach(
                  p ->
                      latest.put(
                          key(instance, metric.getName(), attributes(p.getAttributesList())),
                          number(p)));
      case HISTOGRAM ->
          metric
              .getHistogram()
              .getDataPointsList()
              .forEach(
                  p ->
                      latest.put(
                          key(instance, metric.getName(), attributes(p.getAttributesList())),
                          (double) p.getCount()));
      default -> {}
    }
  }

  private static double number(NumberDataPoint point) {
    return point.getValueCase() == NumberDataPoint.ValueCase.AS_INT
        ? point.getAsInt()
        : point.getAsDouble();
  }

  private static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> result = new TreeMap<>();
    for (KeyValue kv : list) {
      AnyValue v = kv.getValue();
      result.put(kv.getKey(), v.hasStringValue() ? v.getStringValue() : v.toString().trim());
    }
    return result;
  }

  private static String key(String instance, String metric, Map<String, String> attributes) {
    return instance + ' ' + metric + ' ' + new TreeMap<>(attributes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
