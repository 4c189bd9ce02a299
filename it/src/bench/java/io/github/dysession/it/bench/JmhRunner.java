package io.github.dysession.it.bench;

import io.github.dysession.codec.AttributeCodec;
import io.github.dysession.it.support.CookieJarClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Part 4: runs {@link CodecBenchmark} with JMH in a child JVM (JMH forks its own from there) and
 * reads its JSON result; adds the encoded sizes.
 */
final class JmhRunner {

  /** One codec case: ns/op of encode and decode, and the bytes. */
  record Row(
      String value,
      String format,
      double encodeNs,
      double encodeError,
      double decodeNs,
      double decodeError,
      int bytes,
      int plainBytes) {}

  record CodecResults(List<Row> rows, String jmhVersion) {}

  private JmhRunner() {}

  @SuppressWarnings("unchecked")
  static CodecResults run(BenchSettings s) throws Exception {
    Path out = s.itDir().resolve("target/bench/jmh.json");
    Files.createDirectories(out.getParent());
    Files.deleteIfExists(out);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                "org.openjdk.jmh.Main",
                CodecBenchmark.class.getName(),
                "-f",
                Integer.toString(s.jmhForks()),
                "-wi",
                Integer.toString(s.jmhWarmupIterations()),
                "-w",
                s.jmhWarmupTime(),
                "-i",
                Integer.toString(s.jmhIterations()),
                "-r",
                s.jmhTime(),
                "-foe",
                "true",
                "-rf",
                "json",
                "-rff",
                out.toString()));
    System.out.println(
        "[bench] codec: JMH " + String.join(" ", command.subList(4, command.size())));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(s.itDir().resolve("target/bench/jmh.log").toFile())
            .start();
    int exit = process.waitFor();
    if (exit != 0 || !Files.exists(out)) {
      throw new IllegalStateException(
          "JMH failed (exit " + exit + "); see " + s.itDir().resolve("target/bench/jmh.log"));
    }
    List<Map<String, Object>> json =
        CookieJarClient.JSON.fromJson(Files.readString(out), List.class);
    Map<String, double[]> scores = new LinkedHashMap<>();
    String version = "?";
    for (Map<String, Object> result : json) {
      version = String.valueOf(result.get("jmhVersion"));
      String benchmark = (String) result.get("benchmark");
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String caseName = (String) ((Map<String, Object>) result.get("params")).get("caseName");
      Map<String, Object> metric = (Map<String, Object>) result.get("primaryMetric");
      double score = ((Number) metric.get("score")).doubleValue();
      Object err = metric.get("scoreError");
      double error =
          err instanceof Number n && !Double.isNaN(n.doubleValue()) ? n.doubleValue() : Double.NaN;
      double[] row =
          scores.computeIfAbsent(
              caseName, k -> new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
      if (method.equals("encode")) {
        row[0] = score;
        row[1] = error;
      } else {
        row[2] = score;
        row[3] = error;
      }
    }
    AttributeCodec codec = CodecCases.codec();
    List<Row> rows = new ArrayList<>();
    for (String caseName : CodecCases.CASES) {
      double[] sc =
          scores.getOrDefault(
              caseName, new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN});
      String[] parts = caseName.split("/");
      Object value = CodecCases.value(parts[0]);
      int bytes = CodecCases.encode(codec, parts[1], value).length;
      int plain = CodecCases.plainSize(codec, parts[1], value);
      rows.add(new Row(parts[0], parts[1], sc[0], sc[1], sc[2], sc[3], bytes, plain));
      System.out.printf(
          "[bench] codec: %-16s %-4s encode %8.0f ns  decode %8.0f ns  %5d bytes%s%n",
          parts[0],
          parts[1],
          sc[0],
          sc[2],
          bytes,
          plain > bytes ? " (compressed from " + plain + ")" : "");
    }
    return new CodecResults(rows, version);
  }
}
