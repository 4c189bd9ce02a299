package io.github.dysession.it.bench;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The sizes of one benchmark run, from system properties. {@code -Dbench.quick=true} shrinks every
 * phase to seconds: a smoke run that proves the command works, not a measurement.
 *
 * <p>Properties: {@code bench.quick} (false), {@code bench.parts} (comma-separated subset of {@code
 * calls,overhead,e2e,codec}; all by default), {@code bench.clients} (virtual clients of the load
 * phases), {@code bench.jfr} (true: record the overhead phase's servers with JFR, default settings,
 * and summarise the hot spots), {@code bench.baseline} (path of another build of the dysession jar,
 * e.g. one of an earlier commit; empty: none): the overhead and end-to-end parts then also run that
 * jar, in a copy of the WAR that differs only in it, and the report sets the two side by side.
 */
record BenchSettings(
    boolean quick,
    Set<String> parts,
    int clients,
    Duration overheadWarmup,
    int overheadRounds,
    Duration overheadRoundWarmup,
    Duration overheadRound,
    Duration e2ePrime,
    Duration e2eWarmup,
    Duration e2eMeasure,
    long maxRequestsPerRun,
    int jmhForks,
    int jmhWarmupIterations,
    String jmhWarmupTime,
    int jmhIterations,
    String jmhTime,
    boolean jfr,
    Path itDir,
    Path outputDir,
    Path baseline,
    Duration sdkWarmup,
    Duration sdkWindow,
    Duration latencyDelay,
    Duration latencyPrime,
    Duration latencyWarmup,
    Duration latencyMeasure) {

  static final Set<String> ALL_PARTS = Set.of("calls", "overhead", "e2e", "codec");

  static BenchSettings fromSystemProperties() {
    boolean quick = Boolean.getBoolean("bench.quick");
    String partsProperty = System.getProperty("bench.parts", "").trim();
    Set<String> parts =
        partsProperty.isEmpty() || partsProperty.equals("all")
            ? new LinkedHashSet<>(Arrays.asList("calls", "overhead", "e2e", "codec"))
            : new LinkedHashSet<>(
                Arrays.asList(partsProperty.toLowerCase(Locale.ROOT).split("\\s*,\\s*")));
    for (String part : parts) {
      if (!ALL_PARTS.contains(part)) {
        throw new IllegalArgumentException(
            "bench.parts: unknown part '" + part + "'; use " + ALL_PARTS);
      }
    }
    int clients = Integer.getInteger("bench.clients", quick ? 8 : 16);
    Path itDir =
        Paths.get(System.getProperty("dysession.it.basedir", ".")).toAbsolutePath().normalize();
    boolean jfr = Boolean.parseBoolean(System.getProperty("bench.jfr", "true"));
    Path baseline = baseline(System.getProperty("bench.baseline", "").trim());
    if (quick) {
      return new BenchSettings(
          true,
          parts,
          clients,
          Duration.ofSeconds(4),
          2,
          Duration.ofSeconds(1),
          Duration.ofSeconds(3),
          Duration.ofSeconds(4),
          Duration.ofSeconds(2),
          Duration.ofSeconds(4),
          20_000,
          1,
          1,
          "200ms",
          1,
          "300ms",
          jfr,
          itDir,
          itDir.resolve("benchmarks"),
          baseline,
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          LatencyProxy.DEFAULT_DELAY,
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(3));
    }
    // About 16 minutes in all on a 2-core machine, build included (12 before the bare SDK loop and
    // the delayed pair); with a baseline jar 19.5 (1,166 s measured).
    return new BenchSettings(
        false,
        parts,
        clients,
        Duration.ofSeconds(20),
        4,
        Duration.ofSeconds(3),
        Duration.ofSeconds(15),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(25),
        2_000_000,
        1,
        2,
        "1s",
        4,
        "1s",
        jfr,
        itDir,
        itDir.resolve("benchmarks"),
        baseline,
        Duration.ofSeconds(10),
        Duration.ofSeconds(8),
        LatencyProxy.DEFAULT_DELAY,
        Duration.ofSeconds(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(15));
  }

  /** The jar of {@code bench.baseline}, or null when the property is empty. */
  private static Path baseline(String property) {
    if (property.isEmpty()) {
      return null;
    }
    Path jar = Paths.get(property).toAbsolutePath().normalize();
    if (!java.nio.file.Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
      throw new IllegalArgumentException(
          "bench.baseline: '"
              + property
              + "' ("
              + jar
              + ") is not a jar file; give the path of a dysession jar built from another commit,"
              + " e.g. /tmp/base/extension/target/dysession-0.1.0-SNAPSHOT.jar, or leave it empty");
    }
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      if (zip.getEntry("io/github/dysession/store/SessionStore.class") == null) {
        throw new IllegalArgumentException(
            "bench.baseline: " + jar + " is no dysession jar (it has no SessionStore class)");
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("bench.baseline: " + jar + " cannot be read as a jar", e);
    }
    return jar;
  }

  boolean hasBaseline() {
    return baseline != null;
  }

  boolean runs(String part) {
    return parts.contains(part);
  }

  String describe() {
    return String.format(
        Locale.ROOT,
        "%s run: %d closed-loop clients; overhead: %d s warm-up per variant, then %d rounds per"
            + " variant, alternating (A B B A ...), of %d s measured after %d s warm-up;"
            + " end-to-end: at least %d s priming per system (until its JIT settles), then %d s"
            + " warm-up + %d s measured per mix and system; at most %,d requests per measured run;"
            + " JMH: %d fork, %d x %s warm-up, %d x %s measured; bare SDK loop: at least %d s"
            + " warm-up (until its JIT settles), then %d s per mix and thread count; DynamoDB %d ms"
            + " away: at least %d s priming, then %d s warm-up + %d s measured per mix%s",
        quick ? "QUICK (smoke)" : "Full",
        clients,
        overheadWarmup.toSeconds(),
        overheadRounds,
        overheadRound.toSeconds(),
        overheadRoundWarmup.toSeconds(),
        e2ePrime.toSeconds(),
        e2eWarmup.toSeconds(),
        e2eMeasure.toSeconds(),
        maxRequestsPerRun,
        jmhForks,
        jmhWarmupIterations,
        jmhWarmupTime,
        jmhIterations,
        jmhTime,
        sdkWarmup.toSeconds(),
        sdkWindow.toSeconds(),
        latencyDelay.toMillis(),
        latencyPrime.toSeconds(),
        latencyWarmup.toSeconds(),
        latencyMeasure.toSeconds(),
        baseline == null ? "" : "; baseline jar " + baseline);
  }
}
