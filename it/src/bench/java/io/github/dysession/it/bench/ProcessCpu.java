package io.github.dysession.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Optional;

/**
 * CPU time of processes from Linux's {@code /proc/<pid>/stat} (user + system, all threads). The
 * server CPU spent per request is steadier than throughput on a machine shared with other work.
 */
final class ProcessCpu {

  /** Clock ticks per second of /proc's counters; 100 on every Linux this runs on. */
  private static final long TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** CPU time of {@code pid} in nanoseconds, or -1 when unknown. */
  static long nanos(long pid) {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Paths.get("/proc", Long.toString(pid), "stat"));
      // The command name (field 2) may contain spaces: fields are counted after its ')'.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * CPU time of each thread of the processes {@code pids}, in nanoseconds, keyed by its group
   * ({@link #threadGroup}), a tab, and pid/tid. Linux shows the first 15 characters of a thread's
   * name. {@link #difference} subtracts two readings thread by thread and sums the groups.
   */
  static java.util.Map<String, Long> nanosByThread(List<Long> pids) {
    java.util.Map<String, Long> threads = new java.util.HashMap<>();
    for (long pid : pids) {
      if (pid <= 0) {
        continue;
      }
      Path tasks = Paths.get("/proc", Long.toString(pid), "task");
      try (java.util.stream.Stream<Path> list = Files.list(tasks)) {
        for (Path task : (Iterable<Path>) list::iterator) {
          try {
            String stat = Files.readString(task.resolve("stat"));
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            threads.put(
                threadGroup(name) + "\t" + pid + "/" + task.getFileName(),
                ticks * 1_000_000_000L / TICKS_PER_SECOND);
          } catch (IOException | RuntimeException e) {
            // The thread ended meanwhile.
          }
        }
      } catch (IOException e) {
        // The process ended.
      }
    }
    return threads;
  }

  /**
   * A thread's group: its name without numbers; Hazelcast's threads, named after their instance's
   * random name, as one.
   */
  static String threadGroup(String name) {
    if (name.startsWith("hz.")) {
      return "hz.* (Hazelcast)";
    }
    return name.replaceAll("[0-9]+", "#").replaceAll("#(#|[-_.:#]#)*", "#").trim();
  }

  /**
   * What each thread group spent between two readings of {@link #nanosByThread}: thread by thread
   * (a thread started in between counts whole; one that ended in between is not seen), leaving out
   * groups that spent nothing.
   */
  static java.util.Map<String, Long> difference(
      java.util.Map<String, Long> before, java.util.Map<String, Long> after) {
    java.util.Map<String, Long> spent = new java.util.TreeMap<>();
    after.forEach(
        (thread, nanos) -> {
          long d = nanos - before.getOrDefault(thread, 0L);
          if (d > 0) {
            spent.merge(thread.substring(0, thread.indexOf('\t')), d, Long::sum);
          }
        });
    return spent;
  }

  /** Sum of {@link #nanos} over several processes, or -1 if any is unknown. */
  static long nanos(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      long n = nanos(pid);
      if (n < 0) {
        return -1;
      }
      sum += n;
    }
    return sum;
  }

  /** The dynalite (node) child process of this JVM, if one runs. */
  static Optional<Long> dynalitePid() {
    return ProcessHandle.current()
        .descendants()
        .filter(p -> p.info().commandLine().map(c -> c.contains("dynalite")).orElse(false))
        .map(ProcessHandle::pid)
        .findFirst();
  }

  /** This machine's 1-minute load average, or -1. */
  static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
