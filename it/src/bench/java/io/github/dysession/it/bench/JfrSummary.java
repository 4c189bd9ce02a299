package io.github.dysession.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hot spots of a JFR recording, from the execution samples of the HTTP worker threads ({@code
 * http-thread-pool*}: boot and background threads left out).
 *
 * <p>A sample counts as dysession's own work when its innermost dysession frame is not the filter
 * handing the request on down the chain (the application's work that the filter wraps is not
 * dysession's). For those samples: which dysession method was innermost, and which method was on
 * top of the stack (what dysession spends its time calling).
 *
 * @param samples request-thread samples
 * @param dysessionSamples those doing dysession's own work
 * @param topSelf all request-thread samples by top frame
 * @param topDysession dysession samples by innermost dysession method
 * @param topDysessionLeaf dysession samples by top frame
 * @param areas request-thread samples by the code doing the work (see {@link #AREAS})
 */
record JfrSummary(
    long samples,
    long dysessionSamples,
    Map<String, Long> topSelf,
    Map<String, Long> topDysession,
    Map<String, Long> topDysessionLeaf,
    Map<String, Long> areas) {

  private static final int TOP = 12;

  /**
   * Who does the work: each request-thread sample goes to the code of its innermost (closest to the
   * top) frame outside the JDK, by package prefix, first match wins.
   */
  static final Map<String, List<String>> AREAS = areaPrefixes();

  private static Map<String, List<String>> areaPrefixes() {
    Map<String, List<String>> a = new LinkedHashMap<>();
    a.put("test application", List.of("io.github.dysession.it."));
    a.put("dysession", List.of("io.github.dysession."));
    a.put("AWS SDK", List.of("software.amazon.awssdk."));
    a.put("Apache HttpClient 5", List.of("org.apache.hc."));
    a.put(
        "Hazelcast",
        List.of("com.hazelcast.", "fish.payara.ha.", "fish.payara.nucleus.hazelcast."));
    a.put(
        "JSON-B (Yasson)",
        List.of("org.eclipse.yasson.", "org.eclipse.parsson.", "org.glassfish.json."));
    a.put("Weld", List.of("org.jboss.weld."));
    a.put("Jersey (JAX-RS)", List.of("org.glassfish.jersey."));
    a.put(
        "Payara (web container, Grizzly, rest)",
        List.of(
            "org.glassfish.",
            "org.apache.catalina.",
            "com.sun.enterprise.",
            "fish.payara.",
            "org.jvnet.",
            "com.sun.web.",
            "org.apache.naming."));
    return a;
  }

  private static String area(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      for (Map.Entry<String, List<String>> area : AREAS.entrySet()) {
        for (String prefix : area.getValue()) {
          if (type.startsWith(prefix)) {
            return area.getKey();
          }
        }
      }
    }
    return "JDK only / other";
  }

  static JfrSummary summarize(Path file) {
    return summarize(List.of(file));
  }

  static JfrSummary summarize(List<Path> files) {
    Map<String, Long> self = new HashMap<>();
    Map<String, Long> innermost = new HashMap<>();
    Map<String, Long> leaf = new HashMap<>();
    Map<String, Long> areas = new LinkedHashMap<>();
    long samples = 0;
    long dysession = 0;
    for (Path file : files) {
      if (!Files.exists(file)) {
        System.out.println("[bench] no JFR recording at " + file);
        continue;
      }
      try (RecordingFile recording = new RecordingFile(file)) {
        while (recording.hasMoreEvents()) {
          RecordedEvent event = recording.readEvent();
          if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
            continue;
          }
          RecordedThread thread = event.getThread("sampledThread");
          RecordedStackTrace stack = event.getStackTrace();
          if (thread == null
              || thread.getJavaName() == null
              || !thread.getJavaName().startsWith("http-thread-pool")
              || stack == null
              || stack.getFrames().isEmpty()) {
            continue;
          }
          samples++;
          List<RecordedFrame> frames = stack.getFrames();
          areas.merge(area(frames), 1L, Long::sum);
          String top = name(frames.get(0));
          self.merge(top, 1L, Long::sum);
          int inner = -1;
          for (int i = 0; i < frames.size(); i++) {
            if (isDysession(name(frames.get(i)))) {
              inner = i;
              break;
            }
          }
          if (inner < 0) {
            continue;
          }
          String method = name(frames.get(inner));
          boolean handingOn =
              (method.endsWith("DysessionFilter.doFilter")
                      || method.endsWith("DysessionFilter.runOnThisThread"))
                  && inner > 0
                  && frames.get(inner - 1).getMethod().getType().getName().contains("FilterChain");
          if (handingOn) {
            continue;
          }
          dysession++;
          innermost.merge(method, 1L, Long::sum);
          leaf.merge(top, 1L, Long::sum);
        }
      } catch (IOException e) {
        System.out.println("[bench] cannot read " + file + ": " + e);
      }
    }
    return new JfrSummary(samples, dysession, top(self), top(innermost), top(leaf), top(areas));
  }

  private static boolean isDysession(String method) {
    return method.startsWith("io.github.dysession.")
        && !method.startsWith("io.github.dysession.it.");
  }

  private static String name(RecordedFrame frame) {
    return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
  }

  private static Map<String, Long> top(Map<String, Long> counts) {
    List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    Map<String, Long> top = new LinkedHashMap<>();
    for (Map.Entry<String, Long> e : entries.subList(0, Math.min(TOP, entries.size()))) {
      top.put(e.getKey(), e.getValue());
    }
    return top;
  }
}
