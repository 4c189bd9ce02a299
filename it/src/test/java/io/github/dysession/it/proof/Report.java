package io.github.dysession.it.proof;

import io.github.dysession.it.support.Dynalite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a proof run's figures and keeps them in {@code it/target/reliability/<id>.txt}. When
 * {@code dysession.proof.readme=true} (the {@code reliability} profile), it also rewrites the part
 * of README.md between {@value #START} and {@value #END} from the figures of every run of this
 * Maven invocation ({@code dysession.proof.runId}), so the section always holds one consistent run.
 */
final class Report {

  static final String START = "<!-- reliability:start -->";
  static final String END = "<!-- reliability:end -->";
  static final String COMMAND = "mvn -B -Preliability verify -pl it -am";

  /** The runs in README order: id and heading. */
  private static final Map<String, String> RUNS = new LinkedHashMap<>();

  static {
    RUNS.put("load", "Load");
    RUNS.put("fault", "Faults");
    RUNS.put("bad-input", "Bad input");
  }

  private Report() {}

  /**
   * Prints the figures, stores them, and (in the reliability profile) rewrites README's section.
   */
  static synchronized void publish(String id, Map<String, String> figures) {
    String title = RUNS.getOrDefault(id, id);
    StringBuilder out =
        new StringBuilder("\n===== dysession proof: ")
            .append(title)
            .append(Scale.reliability() ? " (reliability run)" : " (quick run)")
            .append(" =====\n");
    figures.forEach((k, v) -> out.append(String.format("  %-78s %s%n", k, v)));
    System.out.print(out);
    System.out.flush();

    Path dir = Dynalite.baseDir().resolve("target").resolve("reliability");
    try {
      Files.createDirectories(dir);
      StringBuilder file = new StringBuilder("run\t").append(runId()).append('\n');
      file.append("mode\t").append(Scale.reliability() ? "reliability" : "quick").append('\n');
      figures.forEach(
          (k, v) -> file.append(k).append('\t').append(v.replace('\n', ' ')).append('\n'));
      Files.writeString(dir.resolve(id + ".txt"), file, StandardCharsets.UTF_8);
      if (Boolean.getBoolean(Scale.PREFIX + "readme")) {
        rewriteReadme(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String runId() {
    String id = System.getProperty(Scale.PREFIX + "runId");
    return id == null || id.isBlank() || id.startsWith("${") ? "adhoc" : id;
  }

  private static void rewriteReadme(Path dir) throws IOException {
    Path readme = Dynalite.baseDir().getParent().resolve("README.md");
    String text = Files.readString(readme, StandardCharsets.UTF_8);
    String section = START + "\n" + section(dir) + END;
    int start = text.indexOf(START);
    int end = text.indexOf(END);
    String updated;
    if (start >= 0 && end > start) {
      updated = text.substring(0, start) + section + text.substring(end + END.length());
    } else {
      String heading = "## Reliability\n\n" + section + "\n\n";
      int license = text.indexOf("\n## License");
      updated =
          license >= 0
              ? text.substring(0, license + 1) + heading + text.substring(license + 1)
              : text + "\n" + heading;
    }
    Files.writeString(readme, updated, StandardCharsets.UTF_8);
    System.out.println("[proof] README.md reliability section rewritten: " + readme);
  }

  private static String section(Path dir) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("Last run: ")
        .append(
            ZonedDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
        .append(", `")
        .append(COMMAND)
        .append("`");
    Map<String, String> settings = Scale.settings();
    settings.remove("mode");
    if (!settings.isEmpty()) {
      List<String> parts = new ArrayList<>();
      settings.forEach((k, v) -> parts.add(k + "=" + v));
      sb.append(" with ").append(String.join(", ", parts));
    }
    sb.append(", on ").append(machine()).append(".\n\n");
    boolean any = false;
    for (Map.Entry<String, String> run : RUNS.entrySet()) {
      Path file = dir.resolve(run.getKey() + ".txt");
      if (!Files.exists(file)) {
        continue;
      }
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty() || !lines.get(0).equals("run\t" + runId())) {
        continue;
      }
      any = true;
      sb.append("| ").append(run.getValue()).append(" | |\n|---|---|\n");
      for (String line : lines.subList(2, lines.size())) {
        String[] kv = line.split("\t", 2);
        sb.append("| ")
            .append(kv[0])
            .append(" | ")
            .append(kv.length > 1 ? kv[1].replace("|", "\\|") : "")
            .append(" |\n");
      }
      sb.append('\n');
    }
    if (!any) {
      sb.append("(no figures yet)\n\n");
    }
    return sb.toString();
  }

  /**
   * "2 CPUs (nproc) Intel Xeon ..., 23 GiB RAM, Linux 6.1 amd64, OpenJDK 17.0.15, Payara Micro ...,
   * dynalite ..."
   */
  static String machine() {
    StringBuilder sb = new StringBuilder();
    sb.append(Runtime.getRuntime().availableProcessors()).append(" CPUs (nproc)");
    String cpu = firstMatch(Path.of("/proc/cpuinfo"), "(?m)^model name\\s*:\\s*(.+)$");
    if (cpu != null) {
      sb.append(" ").append(cpu.replaceAll("\\s+", " ").trim());
    }
    String mem = firstMatch(Path.of("/proc/meminfo"), "(?m)^MemTotal:\\s*(\\d+) kB");
    if (mem != null) {
      sb.append(", ").append(Math.round(Long.parseLong(mem) / 1024.0 / 1024.0)).append(" GiB RAM");
    }
    sb.append(", ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.version"))
        .append(' ')
        .append(System.getProperty("os.arch"));
    sb.append(", JDK ")
        .append(System.getProperty("java.vm.vendor"))
        .append(' ')
        .append(System.getProperty("java.runtime.version"));
    String payara = System.getProperty("dysession.it.payara6Version");
    sb.append(", Payara Micro ")
        .append(payara == null || payara.startsWith("${") ? "6" : payara)
        .append(" x2");
    String dynalite =
        firstMatch(
            Dynalite.baseDir().resolve("node_modules/dynalite/package.json"),
            "\"version\"\\s*:\\s*\"([^\"]+)\"");
    sb.append(", dynalite ").append(dynalite == null ? "?" : dynalite).append(" (data on disk)");
    return sb.toString();
  }

  private static String firstMatch(Path file, String regex) {
    try {
      if (!Files.isReadable(file)) {
        return null;
      }
      Matcher m = Pattern.compile(regex).matcher(Files.readString(file, StandardCharsets.UTF_8));
      return m.find() ? m.group(1) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
