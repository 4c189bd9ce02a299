package io.github.dysession.it.bench;

import io.github.dysession.config.DysessionSettings;
import io.github.dysession.config.SettingsSource;
import io.github.dysession.it.support.Dynalite;
import io.github.dysession.it.support.DynamoDbClients;
import io.github.dysession.it.support.ListeningSockets;
import io.github.dysession.it.support.PayaraMicro;
import io.github.dysession.store.dynamodb.DynamoDbTableAdmin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Runs the benchmark suite end to end and writes its report ({@code it/BENCHMARKS.md}, the chart
 * under {@code it/benchmarks/}, the "Benchmarks" section of the top-level README). Started by the
 * Maven profile {@code bench}:
 *
 * <pre>mvn -B -Pbench verify -pl it -am [-Dbench.quick=true]</pre>
 *
 * Every server runs on 127.0.0.1 only, every load phase is bounded in time and requests, and every
 * process the suite starts is stopped at its end (and by the harness's shutdown hook otherwise).
 */
public final class BenchMain {

  static final String TABLE = "bench_sessions";
  private static final String JVM_HEAP_MIN = "-Xms512m";
  private static final String JVM_HEAP_MAX = "-Xmx1g";

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    BenchSettings s = BenchSettings.fromSystemProperties();
    long started = System.nanoTime();
    System.out.println("[bench] " + s.describe());
    System.out.println("[bench] parts: " + s.parts());
    Path war = PayaraMicro.defaultWar();
    Path payara = PayaraMicro.Release.PAYARA_6.jar();
    Path warDir = s.itDir().resolve("target/bench/wars");
    Files.createDirectories(s.outputDir());

    Results results = new Results(s);
    results.baseline = BaselineJar.of(s);
    results.currentJar = BaselineJar.current(s.itDir(), war);
    System.out.println("[bench] dysession jar: " + results.currentJar);
    if (results.baseline != null) {
      System.out.println("[bench] baseline jar: " + results.baseline.label());
    }
    results.machine.putAll(Machine.describe(s.itDir(), payara));
    results.machine.forEach((k, v) -> System.out.println("[bench] " + k + ": " + v));

    Dynalite dynalite = null;
    DynamoDbClient dynamo = null;
    List<PayaraMicro> servers = new ArrayList<>();
    try {
      PayaraMicro dysA = null;
      DysessionSettings settings =
          DysessionSettings.from(SettingsSource.of(Map.of("dysession.dynamodb-tablename", TABLE)));
      if (s.runs("calls") || s.runs("e2e")) {
        dynalite = Dynalite.start(null);
        dynamo = DynamoDbClients.forEndpoint(dynalite.endpoint());
        new DynamoDbTableAdmin(dynamo, settings.dynamoDb()).create();
        DynamoDbClients.awaitTableActive(dynamo, TABLE);
        dysA = start(servers, profiled(s, dysession("dys-a", war, dynalite.endpoint()), "dys-a"));
      }

      if (s.runs("calls")) {
        results.calls = new CallScenarios(dysA, dynamo, settings, s.quick() ? 2 : 3).run();
        results.sdkLoop =
            new SdkCallLoop(dysA, dynalite.endpoint(), TABLE, ProcessCpu.dynalitePid().orElse(-1L))
                .run(s, E2E_MIXES, s.clients());
      }

      if (s.runs("overhead")) {
        runOverhead(s, results, war, warDir, servers);
      }

      if (s.runs("e2e")) {
        runEndToEnd(s, results, war, warDir, servers, dysA, dynalite);
        runLatency(s, results, war, servers, dynalite);
      }
    } finally {
      for (PayaraMicro server : servers) {
        stopQuietly(server);
      }
      if (dynamo != null) {
        dynamo.close();
      }
      if (dynalite != null) {
        dynalite.stop();
      }
    }

    if (s.jfr() && s.runs("e2e")) {
      results.e2eProfile.put(
          Results.DYS_DYNALITE,
          JfrSummary.summarize(List.of(jfrFile(s.itDir(), "dys-a"), jfrFile(s.itDir(), "dys-b"))));
      results.e2eProfile.put(
          Results.OWN_HAZELCAST,
          JfrSummary.summarize(List.of(jfrFile(s.itDir(), "hz-a"), jfrFile(s.itDir(), "hz-b"))));
      if (results.baseline != null) {
        results.e2eProfile.put(
            Results.DYS_DYNALITE_BASELINE,
            JfrSummary.summarize(
                List.of(jfrFile(s.itDir(), "base-a"), jfrFile(s.itDir(), "base-b"))));
      }
      results.e2eProfile.put(
          Results.DYS_DELAYED,
          JfrSummary.summarize(List.of(jfrFile(s.itDir(), "lat-a"), jfrFile(s.itDir(), "lat-b"))));
    }
    if (s.runs("codec")) {
      results.codec = JmhRunner.run(s);
    }
    results.seconds = (System.nanoTime() - started) / 1e9;
    Report.write(results);
    System.out.printf("[bench] done in %.0f s%n", results.seconds);
  }

  // ---- Part 2: library overhead ----------------------------------------------------------------

  private static void runOverhead(
      BenchSettings s, Results results, Path war, Path warDir, List<PayaraMicro> servers)
      throws Exception {
    Path memstoreWar = Wars.memstore(war, warDir);
    PayaraMicro.Builder own = base("own-mem", war).systemProperty("dysession.enabled", "false");
    PayaraMicro.Builder dys = base("dys-mem", memstoreWar);
    profiled(s, own, "own-mem");
    profiled(s, dys, "dys-mem");
    List<PayaraMicro.Builder> builders = new ArrayList<>(List.of(own, dys));
    if (results.baseline != null) {
      Path baselineWar =
          Wars.withLibrary(
              memstoreWar, results.baseline.jar(), warDir, "dysession-it-memstore-baseline.war");
      builders.add(profiled(s, base("base-mem", baselineWar), "base-mem"));
    }
    List<PayaraMicro> started = startAll(servers, builders);
    try {
      List<LoadDriver.Target> targets = new ArrayList<>();
      targets.add(
          new LoadDriver.Target(
              Results.OWN_MEMORY,
              List.of(started.get(0).baseUri()),
              "JSESSIONID",
              List.of(started.get(0).pid())));
      targets.add(
          new LoadDriver.Target(
              Results.DYS_MEMORY,
              List.of(started.get(1).baseUri()),
              "DYSESSION",
              List.of(started.get(1).pid())));
      if (started.size() > 2) {
        targets.add(
            new LoadDriver.Target(
                Results.DYS_MEMORY_BASELINE,
                List.of(started.get(2).baseUri()),
                "DYSESSION",
                List.of(started.get(2).pid())));
      }
      LoadDriver.Mix mix = new LoadDriver.Mix(Results.MIX_OVERHEAD, 0.0);
      System.out.println("[bench] overhead: warming up every instance");
      for (LoadDriver.Target t : targets) {
        results.priming.put(t.label(), prime(s, t, List.of(mix), s.overheadWarmup()));
        System.out.println("[bench] overhead: " + t.label() + " " + results.priming.get(t.label()));
      }
      List<LoadDriver.Result> merged = new ArrayList<>();
      for (LoadDriver.Target t : targets) {
        merged.add(new LoadDriver.Result(t.label(), mix.label()));
      }
      int n = targets.size();
      for (int i = 0; i < n * s.overheadRounds(); i++) {
        // A B B A A B B A ... (with a baseline A B C C B A A B C ...): drift (JIT, garbage,
        // neighbours) hits every variant alike.
        int position = i % n;
        int index = (i / n) % 2 == 0 ? position : n - 1 - position;
        LoadDriver.Result r =
            LoadDriver.run(
                targets.get(index),
                mix,
                s.clients(),
                s.overheadRoundWarmup(),
                s.overheadRound(),
                s.maxRequestsPerRun(),
                10 + i);
        System.out.println("[bench] overhead round " + (i + 1) + ": " + r.summary());
        merged.get(index).add(r);
      }
      results.overhead.addAll(merged);
      for (LoadDriver.Result r : merged) {
        System.out.println("[bench] overhead: " + r.summary());
      }
      System.out.printf(
          "[bench] overhead: dysession/in-memory throughput = %.3f of Payara's own%n",
          merged.get(1).throughput() / merged.get(0).throughput());
      if (n > 2) {
        System.out.printf(
            "[bench] overhead: current/baseline throughput = %.3f, CPU per request = %.3f%n",
            merged.get(1).throughput() / merged.get(2).throughput(),
            merged.get(1).cpuMicrosPerRequest() / merged.get(2).cpuMicrosPerRequest());
      }
    } finally {
      for (PayaraMicro server : started) {
        stopQuietly(server);
        servers.remove(server);
      }
    }
    if (s.jfr()) {
      results.profile.put(Results.OWN_MEMORY, JfrSummary.summarize(jfrFile(s.itDir(), "own-mem")));
      results.profile.put(Results.DYS_MEMORY, JfrSummary.summarize(jfrFile(s.itDir(), "dys-mem")));
    }
  }

  // ---- Part 3: end to end, two instances -------------------------------------------------------

  private static void runEndToEnd(
      BenchSettings s,
      Results results,
      Path war,
      Path warDir,
      List<PayaraMicro> servers,
      PayaraMicro dysA,
      Dynalite dynalite)
      throws Exception {
    Path hazelcastWar = Wars.hazelcast(war, warDir);
    int p1 = freePort();
    int p2 = freePort();
    String cluster = "dysession-bench-" + UUID.randomUUID().toString().substring(0, 8);
    List<PayaraMicro.Builder> builders =
        new ArrayList<>(
            List.of(
                profiled(s, dysession("dys-b", war, dynalite.endpoint()), "dys-b"),
                profiled(s, hazelcast("hz-a", hazelcastWar, cluster, p1, p2, p1), "hz-a"),
                profiled(s, hazelcast("hz-b", hazelcastWar, cluster, p1, p2, p2), "hz-b")));
    if (results.baseline != null) {
      // The same WAR but for the dysession jar, on the same dynalite and table.
      Path baselineWar =
          Wars.withLibrary(war, results.baseline.jar(), warDir, "dysession-it-baseline.war");
      builders.add(profiled(s, dysession("base-a", baselineWar, dynalite.endpoint()), "base-a"));
      builders.add(profiled(s, dysession("base-b", baselineWar, dynalite.endpoint()), "base-b"));
    }
    List<PayaraMicro> started = startAll(servers, builders);
    PayaraMicro dysB = started.get(0);
    PayaraMicro hzA = started.get(1);
    PayaraMicro hzB = started.get(2);
    results.clusterFormed = awaitCluster(hzA, hzB, Duration.ofSeconds(60));
    System.out.println("[bench] Hazelcast cluster of 2 formed: " + results.clusterFormed);
    List<PayaraMicro> all = new ArrayList<>(List.of(dysA, dysB, hzA, hzB));
    all.addAll(started.subList(3, started.size()));
    for (PayaraMicro server : all) {
      List<String> sockets = new ArrayList<>();
      if (ListeningSockets.supported()) {
        for (ListeningSockets.Socket socket : ListeningSockets.of(server.pid())) {
          sockets.add(socket.toString() + (socket.isLoopback() ? "" : " NOT LOOPBACK"));
        }
      }
      results.sockets.put(server.name(), sockets);
      System.out.println("[bench] " + server.name() + " listens on " + sockets);
    }
    long dynalitePid = ProcessCpu.dynalitePid().orElse(-1L);
    LoadDriver.Target dys = dysessionTarget(Results.DYS_DYNALITE, dysA, dysB, dynalitePid);
    LoadDriver.Target baseline =
        results.baseline == null
            ? null
            : dysessionTarget(
                Results.DYS_DYNALITE_BASELINE, started.get(3), started.get(4), dynalitePid);
    LoadDriver.Target hz =
        new LoadDriver.Target(
            Results.OWN_HAZELCAST,
            List.of(hzA.baseUri(), hzB.baseUri()),
            "JSESSIONID",
            List.of(hzA.pid(), hzB.pid()));
    // Fresh instances: load their classes and let the JIT work before anything is measured. A
    // fixed priming was too short (the JIT compilers still spent a third of dysession's CPU in its
    // measured windows), so each system is primed with both mixes until its compiler threads
    // settle, within a bound.
    List<LoadDriver.Target> systems =
        baseline == null ? List.of(dys, hz) : List.of(dys, baseline, hz);
    for (LoadDriver.Target target : systems) {
      System.out.println("[bench] end to end: priming " + target.label());
      results.priming.put(target.label(), prime(s, target, E2E_MIXES, s.e2ePrime()));
      System.out.println("[bench] end to end: " + results.priming.get(target.label()));
    }
    int seed = 100;
    for (int m = 0; m < E2E_MIXES.size(); m++) {
      LoadDriver.Mix mix = E2E_MIXES.get(m);
      // Alternate which system goes first (with a baseline: dys, baseline, hz, then hz, ...).
      List<LoadDriver.Target> order = new ArrayList<>(systems);
      if (m % 2 == 1) {
        java.util.Collections.reverse(order);
      }
      for (LoadDriver.Target target : order) {
        LoadDriver.Result r =
            LoadDriver.run(
                target,
                mix,
                s.clients(),
                s.e2eWarmup(),
                s.e2eMeasure(),
                s.maxRequestsPerRun(),
                seed++);
        results.e2e.add(r);
        System.out.println("[bench] end to end: " + r.summary());
        System.out.print(r.threadSummary(15));
      }
    }
    results.rss.put(dysA.name(), dysA.rssBytes());
    results.rss.put(hzA.name(), hzA.rssBytes());
    if (baseline != null) {
      for (LoadDriver.Mix mix : E2E_MIXES) {
        LoadDriver.Result c = results.find(results.e2e, Results.DYS_DYNALITE, mix.label());
        LoadDriver.Result b = results.find(results.e2e, Results.DYS_DYNALITE_BASELINE, mix.label());
        System.out.printf(
            Locale.ROOT,
            "[bench] end to end, %s: current/baseline throughput = %.3f, instances' CPU per"
                + " request = %.3f%n",
            mix.label(),
            c.throughput() / b.throughput(),
            c.serverCpuMicrosPerRequest() / b.serverCpuMicrosPerRequest());
      }
    }
  }

  // ---- Part 3b: end to end with DynamoDB's round trip ------------------------------------------

  /**
   * A third dysession pair on the same dynalite and table, reached through {@link LatencyProxy}:
   * every DynamoDB request arrives {@link BenchSettings#latencyDelay} late, as over a network. Both
   * mixes, primed (bounded) and measured like the other pairs but shorter; stopped at its end.
   */
  private static void runLatency(
      BenchSettings s, Results results, Path war, List<PayaraMicro> servers, Dynalite dynalite)
      throws Exception {
    List<PayaraMicro> started = new ArrayList<>();
    try (LatencyProxy proxy = new LatencyProxy(dynalite.endpoint(), s.latencyDelay())) {
      results.latencyDelay = s.latencyDelay();
      System.out.println(
          "[bench] DynamoDB "
              + s.latencyDelay().toMillis()
              + " ms away: relay "
              + proxy.endpoint()
              + " -> "
              + dynalite.endpoint());
      try {
        started.addAll(
            startAll(
                servers,
                List.of(
                    profiled(s, dysession("lat-a", war, proxy.endpoint()), "lat-a"),
                    profiled(s, dysession("lat-b", war, proxy.endpoint()), "lat-b"))));
        LoadDriver.Target target =
            dysessionTarget(
                Results.DYS_DELAYED,
                started.get(0),
                started.get(1),
                ProcessCpu.dynalitePid().orElse(-1L));
        System.out.println("[bench] DynamoDB away: priming " + target.label());
        Priming priming = prime(s, target, E2E_MIXES, s.latencyPrime(), 8);
        results.priming.put(target.label(), priming);
        System.out.println("[bench] DynamoDB away: " + priming);
        int seed = 300;
        for (LoadDriver.Mix mix : E2E_MIXES) {
          LoadDriver.Result r =
              LoadDriver.run(
                  target,
                  mix,
                  s.clients(),
                  s.latencyWarmup(),
                  s.latencyMeasure(),
                  s.maxRequestsPerRun(),
                  seed++);
          results.latency.add(r);
          System.out.println("[bench] DynamoDB away: " + r.summary());
        }
        System.out.printf(
            "[bench] DynamoDB away: the relay delivered %d request chunks late on %d connections%n",
            proxy.chunksDelivered(), proxy.connectionsAccepted());
      } finally {
        for (PayaraMicro server : started) {
          stopQuietly(server);
          servers.remove(server);
        }
      }
    }
  }

  /** A dysession pair on dynalite as a load target, its DynamoDB calls counted. */
  private static LoadDriver.Target dysessionTarget(
      String label, PayaraMicro a, PayaraMicro b, long dynalitePid) {
    return new LoadDriver.Target(
        label,
        List.of(a.baseUri(), b.baseUri()),
        "DYSESSION",
        List.of(a.pid(), b.pid()),
        dynalitePid < 0 ? List.of(-1L) : List.of(dynalitePid),
        true);
  }

  /** The two mixes of the end-to-end part (and of the bare SDK loop). */
  static final List<LoadDriver.Mix> E2E_MIXES =
      List.of(
          new LoadDriver.Mix(Results.MIX_READ_HEAVY, 0.9),
          new LoadDriver.Mix(Results.MIX_WRITE_HEAVY, 0.5));

  /**
   * How a system was primed: for how long, and the share of a core its JIT compiler threads used in
   * the last step (per instance).
   */
  record Priming(double seconds, double compilerShare, boolean settled) {
    @Override
    public String toString() {
      return String.format(
          Locale.ROOT,
          "primed %.0f s; JIT compilers at the end: %.1f%% of a core per instance (%s)",
          seconds,
          compilerShare * 100,
          settled ? "settled" : "NOT settled within the bound");
    }
  }

  /** The JIT compiler threads' group in {@link ProcessCpu#threadGroup} ("C1/C2 CompilerThread"). */
  static final String COMPILER_THREADS = "C# CompilerThre";

  /** A compiler share per instance under which the JIT counts as settled. */
  static final double SETTLED_COMPILER_SHARE = 0.03;

  /**
   * Primes {@code target} with {@code mixes} in turn, in steps, for at least {@code atLeast} and
   * then until two consecutive steps find its JIT compiler threads below {@link
   * #SETTLED_COMPILER_SHARE} of a core per instance, for at most eight times the priming time.
   */
  private static Priming prime(
      BenchSettings s, LoadDriver.Target target, List<LoadDriver.Mix> mixes, Duration atLeast)
      throws InterruptedException {
    return prime(s, target, mixes, atLeast, 8);
  }

  /** {@link #prime} for at most {@code bound} times the priming time. */
  private static Priming prime(
      BenchSettings s,
      LoadDriver.Target target,
      List<LoadDriver.Mix> mixes,
      Duration atLeast,
      int bound)
      throws InterruptedException {
    Duration step = s.quick() ? Duration.ofSeconds(2) : Duration.ofSeconds(5);
    long min = atLeast.toNanos();
    long max = atLeast.multipliedBy(s.quick() ? 1 : bound).toNanos();
    long started = System.nanoTime();
    int quiet = 0;
    double share = Double.NaN;
    for (int i = 0; ; i++) {
      LoadDriver.Result r =
          LoadDriver.run(
              target,
              mixes.get(i % mixes.size()),
              s.clients(),
              Duration.ZERO,
              step,
              s.maxRequestsPerRun(),
              7 + i);
      share =
          r.threadCpuNanos.getOrDefault(COMPILER_THREADS, 0L)
              / (double) Math.max(1, (long) (r.seconds * 1e9))
              / target.pids().size();
      quiet = share < SETTLED_COMPILER_SHARE ? quiet + 1 : 0;
      long elapsed = System.nanoTime() - started;
      if ((elapsed >= min && quiet >= 2) || elapsed >= max) {
        return new Priming(elapsed / 1e9, share, quiet >= 2);
      }
    }
  }

  // ---- servers ---------------------------------------------------------------------------------

  /** Where the JFR recording of an instance goes (with -Dbench.jfr=true). */
  static Path jfrFile(Path itDir, String name) {
    return itDir.resolve("target/bench/jfr").resolve(name + ".jfr");
  }

  private static PayaraMicro.Builder profiled(
      BenchSettings s, PayaraMicro.Builder builder, String name) throws IOException {
    if (s.jfr()) {
      Files.createDirectories(jfrFile(s.itDir(), name).getParent());
      Files.deleteIfExists(jfrFile(s.itDir(), name));
      builder.jvmArg(
          "-XX:StartFlightRecording=settings=default,dumponexit=true,filename="
              + jfrFile(s.itDir(), name));
    }
    return builder;
  }

  private static PayaraMicro.Builder base(String name, Path war) {
    return PayaraMicro.builder("bench-" + name)
        .release(PayaraMicro.Release.PAYARA_6)
        .javaHome(PayaraMicro.currentJavaHome())
        .war(war)
        .jvmArg(JVM_HEAP_MIN)
        .jvmArg(JVM_HEAP_MAX)
        .readyTimeout(Duration.ofSeconds(300));
  }

  private static PayaraMicro.Builder dysession(String name, Path war, java.net.URI endpoint) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("dysession.dynamodb-endpoint", endpoint.toString());
    settings.put("dysession.dynamodb-tablename", TABLE);
    settings.put("aws.accessKeyId", "bench");
    settings.put("aws.secretAccessKey", "bench");
    return base(name, war).systemProperties(settings);
  }

  /**
   * A Payara Micro instance of a two-member Hazelcast cluster on loopback only: TCP/IP discovery of
   * the two members (no multicast), the data grid on 127.0.0.1 ({@code --interfaces} picks the
   * address, {@code hazelcast.socket.bind.any=false} binds it instead of the wildcard address), a
   * private cluster name, backups on the other member although both share an address ({@code
   * --nohostaware}), no phone-home.
   */
  private static PayaraMicro.Builder hazelcast(
      String name, Path war, String cluster, int p1, int p2, int own) {
    return base(name, war)
        .systemProperty("dysession.enabled", "false")
        .systemProperty("hazelcast.socket.bind.any", "false")
        .systemProperty("hazelcast.phone.home.enabled", "false")
        .clustered(
            List.of(
                "--clustermode",
                "tcpip:127.0.0.1:" + p1 + ",127.0.0.1:" + p2,
                "--interfaces",
                "127.0.0.1",
                "--hzpublicaddress",
                "127.0.0.1",
                "--startport",
                Integer.toString(own),
                "--clustername",
                cluster,
                "--nohostaware",
                "--disablephonehome"));
  }

  private static PayaraMicro start(List<PayaraMicro> servers, PayaraMicro.Builder builder) {
    return startAll(servers, List.of(builder)).get(0);
  }

  /**
   * Starts instances one after the other (in parallel, a busy 2-core machine can starve a booting
   * instance past the harness's readiness grace) and registers them for stopping.
   */
  private static List<PayaraMicro> startAll(
      List<PayaraMicro> servers, List<PayaraMicro.Builder> builders) {
    List<PayaraMicro> started = new ArrayList<>();
    for (PayaraMicro.Builder b : builders) {
      PayaraMicro server = b.start();
      started.add(server);
      servers.add(server);
      System.out.printf(
          "[bench] %s ready in %.1f s on %s%n",
          server.name(), server.startupTime().toMillis() / 1000.0, server.baseUri());
    }
    return started;
  }

  private static boolean awaitCluster(PayaraMicro a, PayaraMicro b, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (a.log().contains("DG Size: 2") && b.log().contains("DG Size: 2")) {
        return true;
      }
      Thread.sleep(500);
    }
    return false;
  }

  private static void stopQuietly(PayaraMicro server) {
    try {
      server.stop();
    } catch (RuntimeException e) {
      System.out.println("[bench] stopping " + server.name() + " failed: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
