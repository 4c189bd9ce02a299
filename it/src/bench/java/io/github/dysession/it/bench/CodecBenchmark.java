package io.github.dysession.it.bench;

import io.github.dysession.codec.AttributeCodec;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Part 4: {@link AttributeCodec} encode and decode of typical attribute values, JSON-B (what the
 * codec picks for JSON-friendly values) against Java serialization, plain and compressed (see
 * {@link CodecCases}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBenchmark {

  /** {@code value/format}, one of {@link CodecCases#CASES}. */
  @Param({
    "smallMap/json",
    "smallMap/java",
    "recordList/json",
    "recordList/java",
    "bean/java",
    "largeRecordList/json",
    "largeRecordList/java"
  })
  public String caseName;

  private AttributeCodec codec;
  private String format;
  private Object value;
  private byte[] encoded;

  @Setup
  public void setUp() {
    codec = CodecCases.codec();
    String[] parts = caseName.split("/");
    value = CodecCases.value(parts[0]);
    format = parts[1];
    encoded = CodecCases.encode(codec, format, value);
    Object decoded = codec.decode("v", encoded);
    if (!Objects.equals(decoded, value)) {
      throw new IllegalStateException(caseName + " does not round-trip: " + decoded);
    }
    boolean json = encoded[0] == 0x01 || (encoded[0] == 0x03 && format.equals("json"));
    if (format.equals("json") && !json) {
      throw new IllegalStateException(caseName + ": the codec did not choose JSON");
    }
  }

  @Benchmark
  public byte[] encode() {
    return CodecCases.encode(codec, format, value);
  }

  @Benchmark
  public Object decode() {
    return codec.decode("v", encoded);
  }
}
