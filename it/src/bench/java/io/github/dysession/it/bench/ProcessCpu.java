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
