package io.github.dysession.it.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Writes the results: {@code it/BENCHMARKS.md}, the chart {@code it/benchmarks/throughput.png}, the
 * "Benchmarks" section of the top-level README (between its markers), and the headline figures on
 * standard output.
 */
final class Report {

  static final String START = "<!-- benchmarks:start -->";
  static final String END = "<!-- benchmarks:end -->";
  static final String CHART = "benchmarks/throughput.png";
  static final String COMMAND = "mvn -B -Pbench verify -pl it -am";

  private static final String OWN = "Payara's own sessions";
  private static final String DYS = "dysession";
  private static final String GROUP_OVERHEAD =
      "1 instance, 100% writes: in memory vs dysession + in-memory store";
  private static final String GROUP_READ =
      "2 instances, 90% reads: Hazelcast vs dysession + dynalite";
  private static final String GROUP_WRITE =
      "2 instances, 50% writes: Hazelcast vs dysession + dynalite";

  private Report() {}

  static void write(Results r) throws IOException {
    Path itDir = r.settings.itDir();
    boolean chart = !r.overhead.isEmpty() || !r.e2e.isEmpty();
    if (chart) {
      writeChart(r, itDir.resolve(CHART));
    }
    String markdown = benchmarksMarkdown(r, chart);
    Files.writeString(itDir.resolve("BENCHMARKS.md"), markdown, StandardCharsets.UTF_8);
    Path readme = itDir.getParent().resolve("README.md");
    if (Files.exists(readme)) {
      String text = Files.readString(readme, StandardCharsets.UTF_8);
      Files.writeString(
          readme, replaceSection(text, readmeSection(r, chart)), StandardCharsets.UTF_8);
    }
    System.out.println();
    System.out.println(
        "[bench] ===== headline"
            + (r.settings.quick() ? " (QUICK SMOKE RUN: not representative)" : "")
            + " =====");
    System.out.println(headlineTable(r));
    if (r.baseline != null) {
      System.out.println(comparisonTable(r));
    }
    if (r.sdkLoop != null) {
      System.out.println(sdkTable(r));
    }
    System.out.println(
        "[bench] wrote "
            + itDir.resolve("BENCHMARKS.md")
            + (chart ? ", " + itDir.resolve(CHART) : "")
            + " and the Benchmarks section of "
            + readme);
  }

  // ---- BENCHMARKS.md ---------------------------------------------------------------------------

  private static String benchmarksMarkdown(Results r, boolean chart) {
    StringBuilder md = new StringBuilder();
    md.append("# dysession benchmarks\n\n");
    if (r.settings.quick()) {
      md.append(
          "> **Quick smoke run** (`-Dbench.quick=true`): a few seconds per phase, on a machine that"
              + " may be\n"
              + "> busy with other work. These figures only show that the suite runs end to end;"
              + " they are **not**\n"
              + "> measurements. Run the full command on a quiet machine for real figures.\n\n");
    }
    md.append("Written by `")
        .append(COMMAND)
        .append(r.settings.quick() ? " -Dbench.quick=true" : "")
        .append("` (")
        .append(String.format(Locale.ROOT, "%.0f", r.seconds))
        .append(" s). ")
        .append(r.settings.describe())
        .append(".\n\n");
    md.append("## Machine and versions\n\n| | |\n|---|---|\n");
    r.machine.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append(
        "\n"
            + "Everything (load generator, servers, dynalite, JMH) runs on this one machine, over"
            + " 127.0.0.1. A load-average figure well above the number of cores at the start means"
            + " other work shared the CPUs.\n\n");

    md.append("## Headline\n\n").append(headlineTable(r)).append("\n");
    if (r.baseline != null) {
      md.append("### Before / after: this build against the baseline jar\n\n")
          .append(comparisonTable(r))
          .append("\n")
          .append(comparisonNote())
          .append("\n\n");
    }
    if (chart) {
      md.append("![Throughput and latency](").append(CHART).append(")\n\n");
    }

    md.append("## 1. DynamoDB calls per HTTP request\n\n");
    if (r.calls == null) {
      md.append("Not run in this invocation.\n\n");
    } else {
      md.append(
          "One Payara Micro instance with dysession on dynalite, default settings (touch interval"
              + " 60 s, consistent reads). Attributes are 100-character strings (`s?op=fill`)."
              + " Counted inside the server by an AWS SDK execution interceptor (`CallCounter`):"
              + " calls per operation, HTTP body bytes sent and received, and the"
              + " `ConsumedCapacity` DynamoDB (here dynalite) returned — read units for GetItem,"
              + " write units for the rest. Item size: dysession's estimate (the number its 400 KB"
              + " guard uses) / the item counted by DynamoDB's documented size rules, read back"
              + " after the request.\n\n");
      md.append(
          "| request | target | DynamoDB calls | bytes sent | bytes received | capacity units |"
              + " item size (B) |\n");
      md.append("|---|---|---|---:|---:|---:|---:|\n");
      for (CallScenarios.Row row : r.calls) {
        md.append("| ")
            .append(row.scenario())
            .append(" <br>`")
            .append(row.request())
            .append("` | ")
            .append(row.target())
            .append(" | ")
            .append(row.callSummary())
            .append(row.stable() ? "" : " (varies)")
            .append(" | ")
            .append(perOperation(row, "requestBytes"))
            .append(" | ")
            .append(perOperation(row, "responseBytes"))
            .append(" | ")
            .append(capacity(row))
            .append(" | ")
            .append(
                row.itemSizeEstimate() == null
                    ? "–"
                    : row.itemSizeEstimate() + " / " + row.itemSizeRules())
            .append(" |\n");
      }
      md.append("\n").append(callNotes(r.calls)).append("\n");
    }

    md.append("## 2. Library overhead: one instance\n\n");
    if (r.overhead.isEmpty()) {
      md.append("Not run in this invocation.\n\n");
    } else {
      md.append("One Payara Micro 6 instance per variant, the same test WAR, the same load: ")
          .append(r.settings.clients())
          .append(
              " closed-loop clients each with its own session, every request `POST s?op=incr` (read"
                  + " an Integer attribute, set it plus one, answer the session as JSON). (a)"
                  + " Payara's own in-memory sessions (`-Ddysession.enabled=false`); (b) dysession"
                  + " over an in-memory `SessionStore` (a `ConcurrentHashMap` implementing the SPI"
                  + " contract, produced as a dependent `@Produces @Dysession SessionStore` in a"
                  + " WAR variant, so that dysession holds the store itself, as it holds its own"
                  + " DynamoDB store): everything dysession does per request — cookie, load,"
                  + " decode, encode, change detection, size check, conditional save — without a"
                  + " network. Rounds alternate A B B A … so that drift hits both alike; figures"
                  + " are over all rounds. Server CPU is the instance's user+system CPU time over"
                  + " the measured windows divided by requests.\n\n");
      md.append(loadTable(r.overhead, false));
      LoadDriver.Result a = r.find(r.overhead, Results.OWN_MEMORY, Results.MIX_OVERHEAD);
      LoadDriver.Result b = r.find(r.overhead, Results.DYS_MEMORY, Results.MIX_OVERHEAD);
      if (a != null && b != null) {
        double ratio = b.throughput() / a.throughput();
        md.append(
            String.format(
                Locale.ROOT,
                "%nThroughput ratio (b)/(a): **%.2f** (target ≥ 0.90: %s). "
                    + "Server CPU per request: %.0f µs vs %.0f µs (%+.0f µs, %+.0f%%, for"
                    + " dysession; target within 10%%: %s); per round %s vs %s µs.%n%n",
                ratio,
                ratio >= 0.90 ? "met" : "missed",
                a.cpuMicrosPerRequest(),
                b.cpuMicrosPerRequest(),
                b.cpuMicrosPerRequest() - a.cpuMicrosPerRequest(),
                (b.cpuMicrosPerRequest() / a.cpuMicrosPerRequest() - 1) * 100,
                !Double.isFinite(a.cpuMicrosPerRequest())
                        || !Double.isFinite(b.cpuMicrosPerRequest())
                    ? "unknown"
                    : b.cpuMicrosPerRequest() <= 1.10 * a.cpuMicrosPerRequest() ? "met" : "missed",
                rounds(a),
                rounds(b)));
      }
      for (LoadDriver.Result x : r.overhead) {
        BenchMain.Priming p = r.priming.get(x.system);
        if (p != null) {
          md.append("Warm-up of ").append(x.system).append(": ").append(p).append(".\n");
        }
      }
      md.append('\n');
      md.append(
          "Where dysession's time goes (seen in JFR profiles of this phase; the tables below, when"
              + " present, are this run's): per request it reads its cookie, loads the session and"
              + " copies its attribute map into the request's session object, decodes each"
              + " attribute read with JSON-B, and encodes each attribute set with JSON-B once, in"
              + " `setAttribute` (to refuse an unstorable value at once and check the size); the"
              + " save reuses those bytes for immutable values such as `Integer` or `String` and"
              + " encodes other values again (to catch in-place changes). It switches Weld's"
              + " built-in session context off and on reflectively and calls the store through its"
              + " Weld client proxy. The map copies are the clearest savings left. The load"
              + " generator shares the two cores, so the throughput ratio understates a difference"
              + " in server CPU per request.\n\n");
      if (!r.profile.isEmpty()) {
        md.append(profileSection(r));
      }
    }

    md.append("## 3. End to end: two instances, round-robin, no stickiness\n\n");
    if (r.e2e.isEmpty()) {
      md.append("Not run in this invocation.\n\n");
    } else {
      md.append("Two Payara Micro 6 instances per system; ")
          .append(r.settings.clients())
          .append(
              " closed-loop clients, each with its own session, send request k of client i to"
                  + " instance (i + k) mod 2 — a round-robin balancer without sticky sessions, so"
                  + " every request lands on the other instance than the one before. Writes `POST"
                  + " s?op=incr`, reads `GET s?op=get` (the same counter). dysession: both"
                  + " instances on one dynalite; server CPU includes dynalite's (in brackets) — a"
                  + " Node.js stand-in for DynamoDB that here competes for the same two cores, as"
                  + " real DynamoDB would not, while each DynamoDB call also costs the instance an"
                  + " AWS SDK request (JSON, SigV4 signature, HTTP). Payara: a WAR variant with"
                  + " `<distributable/>` and `persistence-type=\"hazelcast\"` in `payara-web.xml`,"
                  + " the two instances clustered over TCP/IP on 127.0.0.1 only (cluster formed: "
                  + (r.clusterFormed ? "yes" : "**NO**")
                  + ").\n\n");
      if (r.baseline != null) {
        md.append("*")
            .append(Results.DYS_DYNALITE_BASELINE)
            .append(
                "*: two more instances on the same dynalite and table, with the WAR whose"
                    + " dysession jar is the baseline (")
            .append(r.baseline.label())
            .append("), primed and measured exactly like the current pair (")
            .append(r.currentJar)
            .append("); the systems take turns, the order reversed for the second mix.\n\n");
      }
      if (!r.priming.isEmpty()) {
        md.append(
            "Before the measured runs each system was primed with both mixes in turn, in steps,"
                + " until its JIT compiler threads used less than "
                + Math.round(BenchMain.SETTLED_COMPILER_SHARE * 100)
                + "% of a core per instance in two consecutive steps (a fixed priming had left"
                + " the JIT compiling through the measured windows):\n\n");
        r.priming.forEach(
            (system, p) -> {
              // The overhead phase's variants are primed too; section 2 lists them.
              if (r.e2e.stream().anyMatch(x -> x.system.equals(system))) {
                md.append("- ").append(system).append(": ").append(p).append('\n');
              }
            });
        md.append('\n');
      }
      md.append(loadTable(r.e2e, true));
      md.append(
          "\n"
              + "Correctness, over each whole run (warm-up included): *updates lost* = increments"
              + " the server acknowledged that are missing from the final counter (read from both"
              + " instances, the higher kept), or that vanished with a session replaced by a new"
              + " one; *writes on a stale base* = increments that did not answer the client's"
              + " previous value + 1; *stale reads* = reads showing less than the client's last"
              + " acknowledged write, out of the reads that directly followed a write on the other"
              + " instance.\n\n");
      md.append(threadTable(r.e2e));
      if (!r.e2eProfile.isEmpty()) {
        md.append(e2eProfileSection(r));
      }
      md.append(
          "Listening sockets of the instances (checked with `ListeningSockets`, from /proc):\n\n");
      r.sockets.forEach(
          (name, sockets) ->
              md.append("- ")
                  .append(name)
                  .append(": ")
                  .append(sockets.isEmpty() ? "(none found)" : String.join(", ", sockets))
                  .append("\n"));
      boolean allLoopback =
          r.sockets.values().stream()
              .flatMap(List::stream)
              .noneMatch(x -> x.contains("NOT LOOPBACK"));
      md.append("\n")
          .append(
              allLoopback
                  ? "Nothing listens beyond loopback."
                  : "**Some sockets listen beyond loopback.**")
          .append("\n\n");
    }

    md.append(sdkSection(r));
    md.append(latencySection(r));

    md.append("## 6. Codec (JMH)\n\n");
    if (r.codec == null) {
      md.append("Not run in this invocation.\n\n");
    } else {
      md.append("`AttributeCodec` encode and decode (JMH ")
          .append(r.codec.jmhVersion())
          .append(
              ", average time, ns/op ± 99.9% error where JMH gives one). *json*: what the codec"
                  + " does with JSON-friendly values (JSON-B with a type descriptor). *java*: the"
                  + " codec's Java-serialization format (tag + `ObjectOutputStream`, deflated above"
                  + " 1 KB as the codec does), decoded by the codec through its allow-list filter."
                  + " A bean class is never JSON in the codec, so it has no json row. Bytes: the"
                  + " stored value; in brackets its size before compression where it was"
                  + " compressed.\n\n");
      md.append(
          "| value | format | encode ns/op | decode ns/op | bytes |\n|---|---|---:|---:|---:|\n");
      for (JmhRunner.Row row : r.codec.rows()) {
        md.append("| ")
            .append(CodecCases.DESCRIPTIONS.getOrDefault(row.value(), row.value()))
            .append(" | ")
            .append(row.format())
            .append(" | ")
            .append(ns(row.encodeNs(), row.encodeError()))
            .append(" | ")
            .append(ns(row.decodeNs(), row.decodeError()))
            .append(" | ")
            .append(row.bytes())
            .append(row.plainBytes() > row.bytes() ? " (" + row.plainBytes() + ")" : "")
            .append(" |\n");
      }
      md.append("\n");
    }

    md.append("## How to reproduce\n\n```sh\n")
        .append(COMMAND)
        .append(
            "                       # full run, about 16 minutes on 2 cores (20 with a baseline)\n")
        .append(COMMAND)
        .append(" -Dbench.quick=true    # smoke run, seconds per phase\n```\n\n")
        .append(
            "Options: `-Dbench.parts=calls,overhead,e2e,codec` (a subset), `-Dbench.clients=N`,"
                + " `-Dbench.baseline=<jar>` (measure another build of dysession beside this one,"
                + " below),"
                + " `-Dbench.jfr=true` (profile the overhead phase with JFR and add the hot spots"
                + " here). The profile runs only this suite (the regular integration tests are"
                + " skipped); the load generator is `LoadDriver` (JDK HttpClient, one thread and"
                + " one cookie per client, HdrHistogram), closed loop: latency is per request,"
                + " without correction for coordinated omission. Raw logs:"
                + " `it/target/payara-runs/`, `it/target/bench/`.\n\n");
    md.append(
            "### How to compare with an earlier commit\n\n"
                + "Build the dysession jar of that commit in a work tree of its own, then name the"
                + " jar in `-Dbench.baseline`:\n\n```sh\n"
                + "git worktree add /tmp/base <commit>\n"
                + "mvn -B -q package -pl extension -DskipTests -Djacoco.skip=true -f"
                + " /tmp/base/pom.xml\n")
        .append(COMMAND)
        .append(
            " -Dbench.baseline=/tmp/base/extension/target/dysession-<version>.jar\n"
                + "git worktree remove /tmp/base\n"
                + "```\n\n"
                + "The overhead part then runs a third instance, the in-memory store WAR with the"
                + " baseline jar in `WEB-INF/lib` instead (the WAR otherwise the same), in the same"
                + " rotation (A B C C B A …); the end-to-end part a third pair, the test WAR with"
                + " the baseline jar, on the same dynalite and table, primed and measured like the"
                + " current pair, the systems taking turns. The headline then has a before/after"
                + " table: throughput, CPU per request and latency of both builds and their ratio"
                + " (current / baseline), the builds named by jar file and, where the jar lies in a"
                + " git work tree's `extension/target`, its commit. It adds about 5 minutes."
                + " Without the property nothing of it runs.\n");
    return md.toString();
  }

  private static String callNotes(List<CallScenarios.Row> rows) {
    StringBuilder notes = new StringBuilder();
    CallScenarios.Row w20 = find(rows, "Change 1 attribute of a 20-attribute session");
    CallScenarios.Row w200 = find(rows, "Change 1 attribute of a 200-attribute session");
    if (w20 != null && w200 != null) {
      long b20 = bytes(w20, "UpdateItem", "requestBytes");
      long b200 = bytes(w200, "UpdateItem", "requestBytes");
      notes.append(
          String.format(
              Locale.ROOT,
              "- The UpdateItem that saves one changed attribute sends %d bytes with 20 attributes"
                  + " in the session and %d bytes with 200: the untouched attributes are not"
                  + " sent.%n",
              b20,
              b200));
      double c20 = capacityOf(w20, "UpdateItem");
      double c200 = capacityOf(w200, "UpdateItem");
      notes.append(
          String.format(
              Locale.ROOT,
              "- Its consumed write capacity is %.0f vs %.0f units: DynamoDB bills an UpdateItem by"
                  + " the size of the whole item (before or after, the larger), 1 unit per KB, not"
                  + " by the bytes sent. With one item per session, a write costs more the bigger"
                  + " the session is; the reads likewise (1 unit per 4 KB, consistent).%n",
              c20,
              c200));
    }
    CallScenarios.Row rotate = find(rows, "changeSessionId (20-attribute session)");
    if (rotate != null && rotate.calls("GetItem") > 1) {
      notes.append(
          "- changeSessionId reads the session twice: once when the request opens it, once more in"
              + " `SessionStore.changeId` (the store copies the latest stored version, then marks"
              + " and deletes the old item on condition of that version; the mark, one small"
              + " UpdateItem, makes a retried delete safe).\n");
    }
    return notes.toString();
  }

  private static CallScenarios.Row find(List<CallScenarios.Row> rows, String scenario) {
    return rows.stream().filter(x -> x.scenario().equals(scenario)).findFirst().orElse(null);
  }

  private static long bytes(CallScenarios.Row row, String op, String key) {
    Map<String, Number> d = row.details().get(op);
    return d == null ? 0 : d.get(key).longValue();
  }

  private static double capacityOf(CallScenarios.Row row, String op) {
    Map<String, Number> d = row.details().get(op);
    return d == null ? 0 : d.get("capacityUnits").doubleValue();
  }

  private static String perOperation(CallScenarios.Row row, String key) {
    if (row.details().isEmpty()) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    row.details()
        .forEach(
            (op, d) ->
                parts.add(
                    d.get(key).longValue()
                        + (row.details().size() > 1 ? " " + abbreviate(op) : "")));
    return String.join(" + ", parts);
  }

  private static String capacity(CallScenarios.Row row) {
    if (row.details().isEmpty()) {
      return "0";
    }
    List<String> parts = new ArrayList<>();
    row.details()
        .forEach(
            (op, d) ->
                parts.add(
                    trim(d.get("capacityUnits").doubleValue())
                        + (op.equals("GetItem") ? " RCU" : " WCU")));
    return String.join(" + ", parts);
  }

  private static String abbreviate(String op) {
    return switch (op) {
      case "GetItem" -> "Get";
      case "PutItem" -> "Put";
      case "UpdateItem" -> "Update";
      case "DeleteItem" -> "Delete";
      default -> op;
    };
  }

  private static String trim(double v) {
    DecimalFormat f = new DecimalFormat("0.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
    return f.format(v);
  }

  private static String ns(double v, double error) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%,.0f", v)
        + (Double.isNaN(error) ? "" : String.format(Locale.ROOT, " ± %,.0f", error));
  }

  /** The rounds' CPU per request, in the order they ran. */
  private static String rounds(LoadDriver.Result x) {
    return x.roundCpuMicros.stream()
        .map(v -> String.format(Locale.ROOT, "%.0f", v))
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /**
   * The servers' CPU per request by thread group (from /proc, every thread of both instances), with
   * dynalite's and the load generator's beside it: where a system's figure comes from.
   */
  static String threadTable(List<LoadDriver.Result> results) {
    if (results.stream().allMatch(x -> x.threadCpuNanos.isEmpty())) {
      return "";
    }
    java.util.Map<String, Long> total = new java.util.HashMap<>();
    for (LoadDriver.Result x : results) {
      x.threadCpuNanos.forEach(
          (k, v) -> total.merge(k, Math.round(v / (double) Math.max(1, x.requests)), Long::sum));
    }
    List<String> top =
        total.entrySet().stream()
            .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(14)
            .map(java.util.Map.Entry::getKey)
            .toList();
    StringBuilder t = new StringBuilder();
    t.append(
        "Where each system's CPU per request goes, by thread (µs per request, user + system CPU of"
            + " every thread of both instances over the measured window, from /proc/<pid>/task;"
            + " threads named alike but for numbers count as one, Linux keeps 15 characters of a"
            + " name):\n\n| thread |");
    for (LoadDriver.Result x : results) {
      t.append(' ').append(x.system).append(", ").append(x.mix).append(" |");
    }
    t.append("\n|---|");
    t.append("---:|".repeat(results.size()));
    t.append('\n');
    for (String group : top) {
      t.append("| `").append(group).append("` |");
      for (LoadDriver.Result x : results) {
        t.append(String.format(Locale.ROOT, " %.0f |", x.threadCpuMicrosPerRequest(group)));
      }
      t.append('\n');
    }
    t.append("| other threads |");
    for (LoadDriver.Result x : results) {
      double shown = top.stream().mapToDouble(x::threadCpuMicrosPerRequest).sum();
      t.append(String.format(Locale.ROOT, " %.0f |", x.serverCpuMicrosPerRequest() - shown));
    }
    t.append("\n| **instances, all threads** |");
    for (LoadDriver.Result x : results) {
      t.append(String.format(Locale.ROOT, " **%.0f** |", x.serverCpuMicrosPerRequest()));
    }
    t.append("\n| dynalite (not the instances') |");
    for (LoadDriver.Result x : results) {
      t.append(
          x.backendCpuNanos > 0
              ? String.format(Locale.ROOT, " %.0f |", x.backendCpuMicrosPerRequest())
              : " – |");
    }
    t.append("\n| load generator (not the instances') |");
    for (LoadDriver.Result x : results) {
      t.append(String.format(Locale.ROOT, " %.0f |", x.driverCpuMicrosPerRequest()));
    }
    return t.append("\n\n").toString();
  }

  private static String loadTable(List<LoadDriver.Result> results, boolean correctness) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| mix | system | req/s | p50 ms | p99 ms | p99.9 ms | server CPU µs/req"
            + (correctness ? " (of which dynalite)" : "")
            + " | errors |");
    if (correctness) {
      t.append(
          " updates lost | writes on a stale base | stale reads / reads after a write elsewhere |"
              + " sessions replaced |");
    }
    t.append("\n|---|---|---:|---:|---:|---:|---:|---:|");
    if (correctness) {
      t.append("---:|---:|---:|---:|");
    }
    t.append("\n");
    for (LoadDriver.Result r : results) {
      String cpu = String.format(Locale.ROOT, "%.0f", r.cpuMicrosPerRequest());
      if (correctness && r.backendCpuNanos > 0) {
        cpu += String.format(Locale.ROOT, " (%.0f)", r.backendCpuMicrosPerRequest());
      }
      t.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,.0f | %.2f | %.2f | %.2f | %s | %d |",
              r.mix,
              r.system,
              r.throughput(),
              r.percentileMillis(50),
              r.percentileMillis(99),
              r.percentileMillis(99.9),
              cpu,
              r.errors));
      if (correctness) {
        t.append(
            String.format(
                Locale.ROOT,
                " %d of %d | %d of %d | %d / %d | %d |",
                r.updatesLost,
                r.acked,
                r.writesOnStaleBase,
                r.writes,
                r.staleReads,
                r.readsAfterRemoteWrite,
                r.sessionsReplaced));
      }
      t.append("\n");
    }
    for (LoadDriver.Result r : results) {
      if (r.errors > 0) {
        t.append(
            String.format(
                Locale.ROOT,
                "%n%s, %s: %d failed requests; the first: %s%n",
                r.system,
                r.mix,
                r.errors,
                r.firstError == null ? "?" : r.firstError.replace("|", "/")));
      }
    }
    return t.toString();
  }

  private static String profileSection(Results r) {
    StringBuilder md =
        new StringBuilder("### Profile (JFR execution samples of the HTTP worker threads)\n\n");
    md.append(
        "Recorded over the whole overhead phase (JFR default settings; `-Dbench.jfr=false` turns it"
            + " off). *dysession's own work*: samples whose innermost dysession frame is not the"
            + " filter handing the request on to the application.\n\n");
    r.profile.forEach(
        (system, p) -> {
          md.append(
              String.format(
                  Locale.ROOT,
                  "**%s**: %d request-thread samples, %.1f%% in dysession's own work; %s.%n%n",
                  system,
                  p.samples(),
                  p.samples() == 0 ? 0 : 100.0 * p.dysessionSamples() / p.samples(),
                  areaShares(p)));
          md.append("| top of stack, all request-thread samples | samples |\n|---|---:|\n");
          p.topSelf()
              .forEach(
                  (m, n) -> md.append("| `").append(m).append("` | ").append(n).append(" |\n"));
          if (!p.topDysession().isEmpty()) {
            md.append(
                "\n| dysession's own work: innermost dysession method | samples |\n|---|---:|\n");
            p.topDysession()
                .forEach(
                    (m, n) -> md.append("| `").append(m).append("` | ").append(n).append(" |\n"));
            md.append("\n| dysession's own work: top of stack | samples |\n|---|---:|\n");
            p.topDysessionLeaf()
                .forEach(
                    (m, n) -> md.append("| `").append(m).append("` | ").append(n).append(" |\n"));
          }
          md.append("\n");
        });
    return md.toString();
  }

  private static String areaShares(JfrSummary p) {
    List<String> parts = new ArrayList<>();
    p.areas()
        .forEach(
            (area, n) -> {
              if (n > 0 && p.samples() > 0) {
                parts.add(String.format(Locale.ROOT, "%s %.0f%%", area, 100.0 * n / p.samples()));
              }
            });
    return parts.isEmpty()
        ? "no samples"
        : "by the code doing the work: " + String.join(", ", parts);
  }

  private static String e2eProfileSection(Results r) {
    StringBuilder md =
        new StringBuilder(
            "Where the CPU goes (JFR, default settings, request threads of both instances of each"
                + " system over their whole life; each sample goes to the code of its innermost"
                + " frame outside the JDK; Hazelcast also works on threads of its own, which are"
                + " not counted here, while the CPU column above counts every thread):\n\n");
    r.e2eProfile.forEach(
        (system, p) ->
            md.append(
                String.format(
                    Locale.ROOT, "- %s: %d samples; %s.%n", system, p.samples(), areaShares(p))));
    md.append(
        "\n"
            + "How the instances' CPU per request splits, from the thread table above and these"
            + " profiles: the request threads do the work of Payara, the application, dysession"
            + " and, for dysession, the AWS SDK and its HTTP client (the SDK calls DynamoDB on the"
            + " request's own thread); the rest is threads of their own: Grizzly's listener,"
            + " Hazelcast's I/O and partition threads, the SDK's timeout timers (dysession's own"
            + " single thread; the SDK's default executor, which kept every cancelled timeout"
            + " queued until it would have fired, took 50 and 81 µs per request in the two mixes"
            + " of a run of this benchmark before dysession replaced it), garbage collection, the"
            + " JIT compilers (near zero once"
            + " primed) and JFR's own threads (the profiles cost a little on both sides). The"
            + " SDK's share is a cost per DynamoDB call spread thin over its generic machinery"
            + " (execution attributes, interceptors, header maps, SigV4 signing, the connection"
            + " pool, the socket I/O); dysession makes the fewest calls a non-sticky design allows"
            + " (section 1): a read one GetItem, a write a GetItem and an UpdateItem. dynalite's"
            + " own CPU (in brackets in the table) would not be on the application's machines"
            + " with real DynamoDB.\n\n");
    return md.toString();
  }

  // ---- headline and README ---------------------------------------------------------------------

  static String headlineTable(Results r) {
    StringBuilder t = new StringBuilder();
    t.append(
        "| measure | Payara's own sessions | dysession | dysession / own |\n"
            + "|---|---:|---:|---:|\n");
    LoadDriver.Result a = r.find(r.overhead, Results.OWN_MEMORY, Results.MIX_OVERHEAD);
    LoadDriver.Result b = r.find(r.overhead, Results.DYS_MEMORY, Results.MIX_OVERHEAD);
    if (a != null && b != null) {
      t.append(
          row(
              "1 instance, 100% writes: req/s (in memory vs in-memory store)",
              a, b, LoadDriver.Result::throughput, "%,.0f"));
      t.append(row("1 instance, 100% writes: p50 / p99 ms", a, b));
      t.append(
          row(
              "1 instance, 100% writes: server CPU µs/request",
              a, b, LoadDriver.Result::cpuMicrosPerRequest, "%,.0f"));
    }
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      LoadDriver.Result h = r.find(r.e2e, Results.OWN_HAZELCAST, mix);
      LoadDriver.Result d = r.find(r.e2e, Results.DYS_DYNALITE, mix);
      if (h != null && d != null) {
        t.append(
            row(
                "2 instances, " + mix + ": req/s (Hazelcast vs dynalite)",
                h,
                d,
                LoadDriver.Result::throughput,
                "%,.0f"));
        t.append(row("2 instances, " + mix + ": p50 / p99 ms", h, d));
        t.append(
            row(
                "2 instances, " + mix + ": instances' CPU µs/request (dynalite's excluded)",
                h,
                d,
                LoadDriver.Result::serverCpuMicrosPerRequest,
                "%,.0f"));
        t.append(
            String.format(
                Locale.ROOT,
                "| 2 instances, %s: updates lost / stale reads | %d of %d / %d of %d | %d of %d /"
                    + " %d of %d | |%n",
                mix,
                h.updatesLost,
                h.acked,
                h.staleReads,
                h.readsAfterRemoteWrite,
                d.updatesLost,
                d.acked,
                d.staleReads,
                d.readsAfterRemoteWrite));
      }
    }
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      LoadDriver.Result h = r.find(r.e2e, Results.OWN_HAZELCAST, mix);
      LoadDriver.Result l = r.find(r.latency, Results.DYS_DELAYED, mix);
      if (h != null && l != null) {
        String away =
            "2 instances, " + mix + ", DynamoDB " + r.latencyDelay.toMillis() + " ms away";
        // No ratio: Hazelcast's replication between the instances got no delay.
        t.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %,.0f | |%n",
                away + ": req/s (Hazelcast, undelayed, vs dynalite behind a delaying relay)",
                h.throughput(),
                l.throughput()));
        t.append(row(away + ": p50 / p99 ms", h, l));
      }
    }
    if (r.calls != null) {
      t.append("| DynamoDB calls: untouched / read-only / one attribute changed | | ")
          .append(shortCalls(r.calls, 0))
          .append(" / ")
          .append(shortCalls(r.calls, 1))
          .append(" / ")
          .append(shortCalls(r.calls, 3))
          .append(" | |\n");
    }
    return t.toString();
  }

  private static String shortCalls(List<CallScenarios.Row> rows, int index) {
    return index < rows.size() ? rows.get(index).callSummary() : "–";
  }

  private static String row(
      String label,
      LoadDriver.Result own,
      LoadDriver.Result dys,
      ToDoubleFunction<LoadDriver.Result> f,
      String format) {
    double o = f.applyAsDouble(own);
    double d = f.applyAsDouble(dys);
    return String.format(
        Locale.ROOT, "| %s | " + format + " | " + format + " | %.2f |%n", label, o, d, d / o);
  }

  private static String row(String label, LoadDriver.Result own, LoadDriver.Result dys) {
    return String.format(
        Locale.ROOT,
        "| %s | %.2f / %.2f | %.2f / %.2f | |%n",
        label,
        own.percentileMillis(50),
        own.percentileMillis(99),
        dys.percentileMillis(50),
        dys.percentileMillis(99));
  }

  // ---- before / after ------------------------------------------------------------------------

  /** The baseline's figures beside this build's, with the ratio current / baseline. */
  static String comparisonTable(Results r) {
    StringBuilder t = new StringBuilder();
    t.append("| measure | baseline: ")
        .append(r.baseline.label())
        .append(" | current: ")
        .append(r.currentJar)
        .append(" | current / baseline |\n|---|---:|---:|---:|\n");
    LoadDriver.Result oc = r.find(r.overhead, Results.DYS_MEMORY, Results.MIX_OVERHEAD);
    LoadDriver.Result ob = r.find(r.overhead, Results.DYS_MEMORY_BASELINE, Results.MIX_OVERHEAD);
    if (oc != null && ob != null) {
      t.append(
          row(
              "1 instance, in-memory store, 100% writes: req/s",
              ob, oc, LoadDriver.Result::throughput, "%,.0f"));
      t.append(
          row(
              "1 instance, in-memory store, 100% writes: server CPU µs/request",
              ob, oc, LoadDriver.Result::cpuMicrosPerRequest, "%,.0f"));
      t.append(row("1 instance, in-memory store, 100% writes: p50 / p99 ms", ob, oc));
    }
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      LoadDriver.Result c = r.find(r.e2e, Results.DYS_DYNALITE, mix);
      LoadDriver.Result b = r.find(r.e2e, Results.DYS_DYNALITE_BASELINE, mix);
      if (c != null && b != null) {
        t.append(
            row(
                "2 instances on dynalite, " + mix + ": req/s",
                b,
                c,
                LoadDriver.Result::throughput,
                "%,.0f"));
        t.append(
            row(
                "2 instances on dynalite, " + mix + ": instances' CPU µs/request",
                b,
                c,
                LoadDriver.Result::serverCpuMicrosPerRequest,
                "%,.0f"));
        t.append(
            row(
                "2 instances on dynalite, " + mix + ": instances' CPU µs per DynamoDB call",
                b,
                c,
                LoadDriver.Result::serverCpuMicrosPerDynamoDbCall,
                "%,.0f"));
        t.append(row("2 instances on dynalite, " + mix + ": p50 / p99 ms", b, c));
      }
    }
    return t.toString();
  }

  private static String comparisonNote() {
    return "Both builds in the same run, on the same machine; the WARs differ only in the dysession"
        + " jar in `WEB-INF/lib`. A ratio below 1 in CPU per request (above 1 in req/s) is this"
        + " build's gain. The one-instance figures are over alternating rounds (section 2 lists"
        + " each round's: on this shared 2-core machine they spread by several per cent); the"
        + " two-instance figures are one measured window per mix and system, with no repeat,"
        + " so a difference of several per cent there is within the noise between runs.";
  }

  // ---- CPU per DynamoDB call -------------------------------------------------------------------

  private static SdkCallLoop.Result loop(Results r, String mix, int threads) {
    if (r.sdkLoop == null) {
      return null;
    }
    return r.sdkLoop.stream()
        .filter(x -> x.mix().equals(mix) && x.threads() == threads)
        .findFirst()
        .orElse(null);
  }

  private static String micros(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%,.0f", v) : "–";
  }

  /** The table of section 4: the bare SDK loop's CPU per call beside a dysession instance's. */
  static String sdkTable(Results r) {
    int n = r.settings.clients();
    StringBuilder t = new StringBuilder();
    t.append("| mix | bare SDK loop, ")
        .append(n)
        .append(
            " threads: bench JVM µs/call (loop threads) | bare SDK loop, 1 thread | dysession"
                + " instances: µs/call = CPU µs/request ÷ DynamoDB calls/request | instance − loop"
                + " ("
                + n
                + " threads) | dynalite µs/call: loop ("
                + n
                + " threads) / instances |\n|---|---:|---:|---:|---:|---:|\n");
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      SdkCallLoop.Result many = loop(r, mix, n);
      SdkCallLoop.Result one = loop(r, mix, 1);
      LoadDriver.Result d = r.find(r.e2e, Results.DYS_DYNALITE, mix);
      double instance = d == null ? Double.NaN : d.serverCpuMicrosPerDynamoDbCall();
      double bare = many == null ? Double.NaN : many.jvmCpuMicrosPerCall();
      t.append("| ")
          .append(mix)
          .append(" | ")
          .append(
              many == null
                  ? "–"
                  : micros(bare) + " (" + micros(many.loopThreadCpuMicrosPerCall()) + ")")
          .append(" | ")
          .append(
              one == null
                  ? "–"
                  : micros(one.jvmCpuMicrosPerCall())
                      + " ("
                      + micros(one.loopThreadCpuMicrosPerCall())
                      + ")")
          .append(" | ")
          .append(
              d == null
                  ? "–"
                  : String.format(
                      Locale.ROOT,
                      "%s = %s ÷ %.3f",
                      micros(instance),
                      micros(d.serverCpuMicrosPerRequest()),
                      d.dynamoDbCallsPerRequest()))
          .append(" | ")
          .append(micros(instance - bare))
          .append(" | ")
          .append(many == null ? "–" : micros(many.dynaliteCpuMicrosPerCall()))
          .append(" / ")
          .append(d == null ? "–" : micros(d.backendCpuMicrosPerDynamoDbCall()))
          .append(" |\n");
    }
    return t.toString();
  }

  private static String sdkSection(Results r) {
    StringBuilder md =
        new StringBuilder(
            "## 4. CPU per DynamoDB call: the bare SDK beside a dysession instance\n\n");
    if (r.sdkLoop == null) {
      return md.append("Not run in this invocation (it belongs to the part `calls`).\n\n")
          .toString();
    }
    int n = r.settings.clients();
    md.append(
            "*Bare SDK loop*: in the benchmark's own JVM (no server), against the same dynalite"
                + " and table, a client built by dysession's own `DynamoDbClientFactory` from the"
                + " same settings as the instances' (the same AWS SDK ")
        .append(r.machine.getOrDefault("AWS SDK for Java", "?"))
        .append(
            ", Apache HttpClient 5, timeouts, retries, timeout executor and interceptors, the"
                + " test application's `CallCounter` among them; but no metrics listener, so"
                + " dysession's call observer does nothing, and no flight recording, while the"
                + " instances report every call to JMX and MicroProfile Metrics and record JFR"
                + " events);"
                + " each thread has a session of its own, created through an instance as the"
                + " load's are, and replays the mix's DynamoDB calls: a consistent GetItem of the"
                + " session's item, and for the mix's share of writes an UpdateItem like"
                + " dysession's save of one attribute, on dysession's conditions (item exists, not"
                + " expired, no newer base). ")
        .append(n)
        .append(
            " threads (as many as the load's clients), then 1; after a warm-up until the JIT"
                + " settles, ")
        .append(r.settings.sdkWindow().toSeconds())
        .append(
            " s per window. Its figure: the bench JVM's CPU (every thread, from /proc, so its"
                + " GC and JIT too) over the window divided by the calls made; in brackets the"
                + " loop threads' own. *dysession instances*: the end-to-end pair of section 3,"
                + " the instances' CPU per request (dynalite's excluded) divided by the DynamoDB"
                + " calls per request, counted by the test application's `CallCounter` in both"
                + " instances, read just before and just after the CPU readings (so over a window"
                + " a few milliseconds wider).\n\n");
    md.append(sdkTable(r)).append("\n");
    md.append(
        "The difference is what the instances spend per call beyond the SDK's own work: Payara"
            + " (Grizzly, the web container and its request and response objects, the servlet"
            + " filter chain), the servlet's own work (the counter and its JSON answer),"
            + " dysession's code around each call (cookie, load, attribute decoding, encoding and"
            + " change detection, the save) and Weld, with the instances' other threads (GC, JIT,"
            + " JFR) — the request's whole cost spread over its DynamoDB calls, not a cost of the"
            + " calls alone.\n\n");
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      LoadDriver.Result d = r.find(r.e2e, Results.DYS_DYNALITE, mix);
      if (d != null) {
        md.append(
            String.format(
                Locale.ROOT,
                "- %s: %,d DynamoDB calls counted for %,d measured requests, %.3f per request"
                    + " (the mix's reads and writes at 1 and 2 calls each give %.3f).%n",
                mix,
                d.dynamoDbCalls,
                d.requests,
                d.dynamoDbCallsPerRequest(),
                d.dynamoDbCallsPerRequestFromMix()));
      }
    }
    for (SdkCallLoop.Result x : r.sdkLoop) {
      md.append(
          String.format(
              Locale.ROOT,
              "- loop, %s, %d thread%s: %,.0f calls/s, %,d calls (%,d GetItem, %,d UpdateItem),"
                  + " %d errors%s.%n",
              x.mix(),
              x.threads(),
              x.threads() == 1 ? "" : "s",
              x.callsPerSecond(),
              x.calls(),
              x.gets(),
              x.updates(),
              x.errors(),
              x.firstError() == null ? "" : " (first: " + x.firstError().replace("|", "/") + ")"));
    }
    return md.append("\n").toString();
  }

  // ---- DynamoDB's round trip -------------------------------------------------------------------

  private static String latencySection(Results r) {
    StringBuilder md = new StringBuilder("## 5. End to end with DynamoDB's round trip\n\n");
    if (r.latency.isEmpty()) {
      return md.append("Not run in this invocation (it belongs to the part `e2e`).\n\n").toString();
    }
    long ms = r.latencyDelay.toMillis();
    md.append(
            "A third dysession pair, on the same dynalite and table, reaches it through a relay on"
                + " 127.0.0.1 (`LatencyProxy`, in the bench JVM) that delivers every byte an"
                + " instance sends ")
        .append(ms)
        .append(
            " ms after it arrived (answers come back at once), so that every DynamoDB call takes"
                + " that much longer, as over a network; connections are relayed as they are and"
                + " stay keep-alive. ")
        .append(ms)
        .append(
            " ms stands for the time DynamoDB itself takes for a GetItem or UpdateItem: AWS gives"
                + " the average latency of atomic operations such as GetItem and PutItem as"
                + " \"single-digit milliseconds\" ("
                + LatencyProxy.DELAY_SOURCE
                + "; that is CloudWatch's SuccessfulRequestLatency, measured inside the service,"
                + " without the network), of which ")
        .append(ms)
        .append(
            " ms is the middle; the network within a Region and dynalite's own time on loopback"
                + " come on top, and the relay's sleeps on a busy machine may run a little over."
                + " The same load as"
                + " section 3 (")
        .append(r.settings.clients())
        .append(" closed-loop clients, round-robin, no stickiness), ")
        .append(r.settings.latencyWarmup().toSeconds())
        .append(" s warm-up + ")
        .append(r.settings.latencyMeasure().toSeconds())
        .append(" s measured per mix");
    BenchMain.Priming p = r.priming.get(Results.DYS_DELAYED);
    if (p != null) {
      md.append(", after priming (").append(p).append(")");
    }
    md.append(
        ". Closed loop: each client waits for its answer, so throughput is at most clients ÷"
            + " latency; a read waits for one DynamoDB call, a write for two.\n\n");
    md.append(
        "| mix | system | req/s | p50 ms | p95 ms | p99 ms | p99.9 ms | instances' CPU µs/req |"
            + " errors | updates lost | stale reads |\n"
            + "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String mix : List.of(Results.MIX_READ_HEAVY, Results.MIX_WRITE_HEAVY)) {
      for (LoadDriver.Result x :
          java.util.Arrays.asList(
              r.find(r.e2e, Results.OWN_HAZELCAST, mix),
              r.find(r.e2e, Results.DYS_DYNALITE, mix),
              r.find(r.latency, Results.DYS_DELAYED, mix))) {
        if (x == null) {
          continue;
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %s | %d | %d of %d | %d / %d |%n",
                mix,
                x.system,
                x.throughput(),
                x.percentileMillis(50),
                x.percentileMillis(95),
                x.percentileMillis(99),
                x.percentileMillis(99.9),
                micros(x.serverCpuMicrosPerRequest()),
                x.errors,
                x.updatesLost,
                x.acked,
                x.staleReads,
                x.readsAfterRemoteWrite));
      }
    }
    for (LoadDriver.Result x : r.latency) {
      if (x.errors > 0) {
        md.append(
            String.format(
                Locale.ROOT,
                "%n%s, %s: %d failed requests; the first: %s%n",
                x.system,
                x.mix,
                x.errors,
                x.firstError == null ? "?" : x.firstError.replace("|", "/")));
      }
    }
    md.append(
        "\nThe first two rows of each mix are section 3's. The relay's own CPU is the bench JVM's"
            + " (with the load generator's), not the instances'.");
    if (p != null && !p.settled()) {
      md.append(
          " The delayed pair's JIT compilers had not settled when its priming ended (at a third"
              + " of section 3's request rate they take longer): its CPU per request includes"
              + " compilation and is no steady-state figure; its latencies are what this part"
              + " is for.");
    }
    md.append("\n\n");
    return md.toString();
  }

  private static String readmeSection(Results r, boolean chart) {
    StringBuilder s = new StringBuilder();
    s.append(START).append("\n");
    s.append("_Generated by `")
        .append(COMMAND)
        .append(r.settings.quick() ? " -Dbench.quick=true" : "")
        .append("` on ")
        .append(r.machine.getOrDefault("date", "?"))
        .append(", ")
        .append(r.machine.getOrDefault("nproc", "?"))
        .append(" cores (")
        .append(r.machine.getOrDefault("CPU", "?"))
        .append("), ")
        .append(
            r.machine.getOrDefault("JDK", "?").replace(" (servers, load generator and JMH)", ""))
        .append(", Payara Micro ")
        .append(r.machine.getOrDefault("Payara Micro", "?"))
        .append("._\n\n");
    if (r.settings.quick()) {
      s.append(
          "> **Quick smoke run**: seconds per phase on a busy machine — these figures only show"
              + " that the suite runs; they are not measurements.\n\n");
    }
    s.append(headlineTable(r)).append("\n");
    if (r.baseline != null) {
      s.append(comparisonTable(r)).append("\n").append(comparisonNote()).append("\n\n");
    }
    if (chart) {
      s.append("![Throughput and latency](it/").append(CHART).append(")\n\n");
    }
    s.append(
            "Everything on one machine over 127.0.0.1, servers and load generator sharing the"
                + " cores. Details, method, all tables (DynamoDB calls, bytes and capacity per"
                + " request kind; overhead; end to end with correctness; codec JMH) and the"
                + " machine: [it/BENCHMARKS.md](it/BENCHMARKS.md); chart: [it/")
        .append(CHART)
        .append("](it/")
        .append(CHART)
        .append("). Reproduce with `")
        .append(COMMAND)
        .append("`.\n");
    s.append(END);
    return s.toString();
  }

  static String replaceSection(String readme, String section) {
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    if (start >= 0 && end > start) {
      return readme.substring(0, start) + section + readme.substring(end + END.length());
    }
    String block = "## Benchmarks\n\n" + section + "\n\n";
    int license = readme.indexOf("\n## License");
    if (license >= 0) {
      return readme.substring(0, license + 1) + block + readme.substring(license + 1);
    }
    return readme + (readme.endsWith("\n") ? "\n" : "\n\n") + block;
  }

  // ---- chart -----------------------------------------------------------------------------------

  private static void writeChart(Results r, Path file) throws IOException {
    DefaultCategoryDataset throughput = new DefaultCategoryDataset();
    DefaultCategoryDataset p50 = new DefaultCategoryDataset();
    DefaultCategoryDataset p99 = new DefaultCategoryDataset();
    add(
        r,
        r.overhead,
        Results.OWN_MEMORY,
        Results.DYS_MEMORY,
        Results.MIX_OVERHEAD,
        GROUP_OVERHEAD,
        throughput,
        p50,
        p99);
    add(
        r,
        r.e2e,
        Results.OWN_HAZELCAST,
        Results.DYS_DYNALITE,
        Results.MIX_READ_HEAVY,
        GROUP_READ,
        throughput,
        p50,
        p99);
    add(
        r,
        r.e2e,
        Results.OWN_HAZELCAST,
        Results.DYS_DYNALITE,
        Results.MIX_WRITE_HEAVY,
        GROUP_WRITE,
        throughput,
        p50,
        p99);
    String suffix = r.settings.quick() ? " — QUICK SMOKE RUN, not representative" : "";
    List<JFreeChart> charts =
        List.of(
            bars(
                "Throughput (requests/s, higher is better)" + suffix,
                "requests/s",
                throughput,
                "#,##0"),
            bars("Median latency p50 (ms, lower is better)" + suffix, "ms", p50, "0.00"),
            bars("Tail latency p99 (ms, lower is better)" + suffix, "ms", p99, "0.00"));
    int width = 1300;
    int height = 460;
    int header = 60;
    BufferedImage image =
        new BufferedImage(width, header + height * charts.size(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.DARK_GRAY);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
      g.drawString(
          "dysession vs Payara's own sessions, Payara Micro "
              + r.machine.getOrDefault("Payara Micro", "?")
              + ", "
              + r.machine.getOrDefault("nproc", "?")
              + " cores, "
              + r.machine.getOrDefault("date", "?")
              + ", "
              + r.settings.clients()
              + " closed-loop clients",
          20,
          25);
      g.drawString(
          r.machine.getOrDefault("CPU", "")
              + " — "
              + r.machine.getOrDefault("JDK", "").replace(" (servers, load generator and JMH)", ""),
          20,
          47);
      g.setStroke(new BasicStroke(1));
      for (int i = 0; i < charts.size(); i++) {
        charts.get(i).draw(g, new Rectangle2D.Double(0, header + i * height, width, height));
      }
    } finally {
      g.dispose();
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(image, "png", file.toFile());
  }

  private static void add(
      Results r,
      List<LoadDriver.Result> list,
      String own,
      String dys,
      String mix,
      String group,
      DefaultCategoryDataset throughput,
      DefaultCategoryDataset p50,
      DefaultCategoryDataset p99) {
    LoadDriver.Result o = r.find(list, own, mix);
    LoadDriver.Result d = r.find(list, dys, mix);
    if (o == null || d == null) {
      return;
    }
    throughput.addValue(o.throughput(), OWN, group);
    throughput.addValue(d.throughput(), DYS, group);
    p50.addValue(o.percentileMillis(50), OWN, group);
    p50.addValue(d.percentileMillis(50), DYS, group);
    p99.addValue(o.percentileMillis(99), OWN, group);
    p99.addValue(d.percentileMillis(99), DYS, group);
  }

  private static JFreeChart bars(
      String title, String axis, DefaultCategoryDataset data, String numberFormat) {
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, axis, data, PlotOrientation.VERTICAL, true, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.BOLD, 16)));
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(new Color(248, 248, 248));
    plot.setRangeGridlinePaint(new Color(200, 200, 200));
    CategoryAxis domain = plot.getDomainAxis();
    domain.setMaximumCategoryLabelLines(2);
    domain.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    BarRenderer renderer = (BarRenderer) plot.getRenderer();
    renderer.setBarPainter(new StandardBarPainter());
    renderer.setShadowVisible(false);
    renderer.setItemMargin(0.05);
    renderer.setSeriesPaint(0, new Color(0x8C, 0x8C, 0x8C));
    renderer.setSeriesPaint(1, new Color(0x1F, 0x77, 0xB4));
    DecimalFormat labels =
        new DecimalFormat(numberFormat, DecimalFormatSymbols.getInstance(Locale.ROOT));
    labels.setRoundingMode(java.math.RoundingMode.HALF_UP); // as String.format rounds in the tables
    renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", labels));
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    plot.getRangeAxis().setUpperMargin(0.15);
    return chart;
  }
}
