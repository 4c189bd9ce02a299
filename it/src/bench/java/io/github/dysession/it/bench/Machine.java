package io.github.dysession.it.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/** What the figures were measured on: machine, JDK, versions, date. */
final class Machine {

  private Machine() {}

  static Map<String, String> describe(Path itDir, Path payaraJar) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(
        "date",
        ZonedDateTime.now(java.time.ZoneId.systemDefault())
            .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
    m.put("nproc", Integer.toString(Runtime.getRuntime().availableProcessors()));
    m.put("CPU", cpuModel());
    m.put("memory", memory());
    m.put(
        "OS",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " ("
            + System.getProperty("os.arch")
            + ")");
    m.put(
        "JDK",
        System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + " (servers, load generator and JMH)");
    m.put("Payara Micro", payaraVersion(payaraJar));
    m.put("Hazelcast (in Payara Micro)", hazelcastVersion(payaraJar));
    m.put("dynalite", packageVersion(itDir.resolve("node_modules/dynalite/package.json")));
    m.put("node", command("node", "--version"));
    m.put("AWS SDK for Java", sdkVersion());
    m.put(
        "load average at start (1 min)",
        String.format(java.util.Locale.ROOT, "%.2f", ProcessCpu.loadAverage()));
    return m;
  }

  private static String cpuModel() {
    try {
      Matcher matcher =
          Pattern.compile("(?m)^model name\\s*:\\s*(.+)$")
              .matcher(Files.readString(Paths.get("/proc/cpuinfo")));
      return matcher.find() ? matcher.group(1).trim() : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String memory() {
    try {
      Matcher matcher =
          Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB")
              .matcher(Files.readString(Paths.get("/proc/meminfo")));
      return matcher.find() ? (Long.parseLong(matcher.group(1)) / 1024 / 1024) + " GiB" : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String payaraVersion(Path jar) {
    if (jar == null) {
      return "unknown";
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var entry =
          zip.getEntry(
              "META-INF/maven/fish.payara.server.internal.extras/payara-micro-boot/pom.properties");
      if (entry != null) {
        Properties p = new Properties();
        try (InputStream in = zip.getInputStream(entry)) {
          p.load(in);
        }
        return p.getProperty("version", "unknown");
      }
    } catch (IOException e) {
      // fall through
    }
    return jar.getFileName().toString();
  }

  private static String hazelcastVersion(Path jar) {
    if (jar == null) {
      return "unknown";
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      var entry = zip.getEntry("MICRO-INF/runtime/hazelcast.jar");
      if (entry == null) {
        return "unknown";
      }
      try (java.util.zip.ZipInputStream nested =
          new java.util.zip.ZipInputStream(zip.getInputStream(entry))) {
        for (var e = nested.getNextEntry(); e != null; e = nested.getNextEntry()) {
          if (e.getName().equals("META-INF/maven/com.hazelcast/hazelcast/pom.properties")) {
            Properties p = new Properties();
            p.load(nested);
            return p.getProperty("version", "unknown");
          }
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "unknown";
  }

  private static String packageVersion(Path packageJson) {
    try {
      Matcher matcher =
          Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"")
              .matcher(Files.readString(packageJson));
      return matcher.find() ? matcher.group(1) : "unknown";
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String sdkVersion() {
    Package p = software.amazon.awssdk.core.SdkClient.class.getPackage();
    String v = p == null ? null : p.getImplementationVersion();
    if (v != null) {
      return v;
    }
    try {
      return software.amazon.awssdk.core.util.VersionInfo.SDK_VERSION;
    } catch (RuntimeException | LinkageError e) {
      return "unknown";
    }
  }

  static String command(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .trim();
      p.waitFor();
      return out.isEmpty() ? "unknown" : out;
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }
}
