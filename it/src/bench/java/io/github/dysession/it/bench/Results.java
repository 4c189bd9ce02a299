package io.github.dysession.it.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Everything one run measured, for the report. */
final class Results {

  static final String OWN_MEMORY = "Payara's own sessions (in memory)";
  static final String DYS_MEMORY = "dysession, in-memory SessionStore";
  static final String OWN_HAZELCAST = "Payara's own sessions (Hazelcast replication)";
  static final String DYS_DYNALITE = "dysession on dynalite";
  static final String MIX_OVERHEAD = "100% writes (op=incr)";
  static final String MIX_READ_HEAVY = "90% reads / 10% writes";
  static final String MIX_WRITE_HEAVY = "50% reads / 50% writes";
  static final String DYS_MEMORY_BASELINE = "dysession, in-memory SessionStore, baseline jar";
  static final String DYS_DYNALITE_BASELINE = "dysession on dynalite, baseline jar";
  static final String DYS_DELAYED =
      "dysession on dynalite " + LatencyProxy.DEFAULT_DELAY.toMillis() + " ms away";

  final BenchSettings settings;
  final Map<String, String> machine = new LinkedHashMap<>();
  List<CallScenarios.Row> calls;
  final List<LoadDriver.Result> overhead = new ArrayList<>();
  final List<LoadDriver.Result> e2e = new ArrayList<>();
  final Map<String, List<String>> sockets = new LinkedHashMap<>();
  final Map<String, Long> rss = new LinkedHashMap<>();
  final Map<String, JfrSummary> profile = new LinkedHashMap<>();
  final Map<String, JfrSummary> e2eProfile = new LinkedHashMap<>();

  /** How each system of the end-to-end part was primed, by label. */
  final Map<String, BenchMain.Priming> priming = new LinkedHashMap<>();

  /** The bare SDK loop's windows (part "calls"), or null when it did not run. */
  List<SdkCallLoop.Result> sdkLoop;

  /** The end-to-end runs of the pair that reaches dynalite through {@link LatencyProxy}. */
  final List<LoadDriver.Result> latency = new ArrayList<>();

  /** The delay the relay added to every DynamoDB request, or null when it did not run. */
  java.time.Duration latencyDelay;

  /** The baseline jar ({@code bench.baseline}), or null. */
  BaselineJar baseline;

  /** The label of the dysession jar this run's WARs hold. */
  String currentJar;

  boolean clusterFormed;
  JmhRunner.CodecResults codec;
  double seconds;

  Results(BenchSettings settings) {
    this.settings = settings;
  }

  LoadDriver.Result find(List<LoadDriver.Result> list, String system, String mix) {
    for (LoadDriver.Result r : list) {
      if (r.system.equals(system) && r.mix.equals(mix)) {
        return r;
      }
    }
    return null;
  }
}
