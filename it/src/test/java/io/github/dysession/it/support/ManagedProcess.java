package io.github.dysession.it.support;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The process-management part shared by {@link Dynalite} and {@link PayaraMicro}: one server
 * process, launched (and relaunched) with its output in a log file, waited for until ready, and
 * stopped or killed.
 *
 * <ul>
 *   <li><b>Log file.</b> The first launch empties it, later launches append to it. Each launch
 *       first writes a line {@code ===== launch <n> of <description>: <command>}; the process's
 *       standard output and error follow. Its standard input is closed.
 *   <li><b>Readiness.</b> {@link #launch} polls a check until it reports ready. If the process
 *       exits first, the launch fails with the end of the log; if the log shows that the port was
 *       taken ({@code EADDRINUSE} from node, {@code java.net.BindException} from Java), with an
 *       exception that {@link #retryOnPortInUse} retries.
 *   <li><b>Cleanup.</b> A JVM shutdown hook ends every process still running, so none outlives the
 *       test JVM.
 * </ul>
 */
final class ManagedProcess {

  /** The only address the servers under test listen on. */
  static final String LOOPBACK = "127.0.0.1";

  private static final int START_ATTEMPTS = 5;
  private static final Duration RETRY_PAUSE = Duration.ofMillis(300);
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);

  /** At JVM exit, how long the processes get to end after SIGTERM before SIGKILL. */
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private static final List<String> PORT_IN_USE = List.of("EADDRINUSE", "java.net.BindException");
  private static final int LOG_READ_LIMIT = 1 << 20;
  private static final int LOG_TAIL_CHARS = 6000;
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");

  private static final Set<ManagedProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(ManagedProcess::endAll, "test-process-shutdown"));
  }

  private final String description;
  private final Path logFile;
  private final Duration stopTimeout;
  private final Runnable onEnd;
  private int launches;
  private volatile long logOffset;
  private volatile Process process;

  /**
   * @param description names the process in messages, e.g. "Payara Micro a"
   * @param stopTimeout how long {@link #stop()} waits after SIGTERM before SIGKILL
   * @param onEnd run after the process has ended by {@link #stop()}, {@link #kill()} or a failed
   *     launch
   */
  ManagedProcess(String description, Path logFile, Duration stopTimeout, Runnable onEnd) {
    this.description = description;
    this.logFile = logFile;
    this.stopTimeout = stopTimeout;
    this.onEnd = onEnd;
  }

  Path logFile() {
    return logFile;
  }

  boolean isRunning() {
    Process p = process;
    return p != null && p.isAlive();
  }

  /** The process id, or -1 if not running. */
  long pid() {
    Process p = process;
    return p != null && p.isAlive() ? p.pid() : -1;
  }

  /**
   * The resident set size of the process in bytes (Linux, from /proc), or -1 if unknown or not
   * running.
   */
  long rssBytes() {
    long pid = pid();
    if (pid < 0) {
      return -1;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not Linux, or the process just ended.
    }
    return -1;
  }

  /**
   * Runs {@code builder}'s command (its output redirected to the log file) and waits until {@code
   * notReady} returns {@code null}, polling every {@code pollInterval} for up to {@code timeout}.
   * {@code notReady} says why the process is not ready yet (for the timeout message); it may throw
   * (see {@link #failure}) to give up. On failure the process is killed.
   *
   * @return the time from launch to ready
   */
  synchronized Duration launch(
      ProcessBuilder builder, Duration timeout, Duration pollInterval, Supplier<String> notReady) {
    launches++;
    logOffset = launches == 1 ? 0L : logSize();
    writeLog(
        "===== launch "
            + launches
            + " of "
            + description
            + ": "
            + String.join(" ", builder.command())
            + "\n",
        launches > 1);
    builder
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    long startNanos = System.nanoTime();
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + builder.command(), e);
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // Nothing to close.
    }
    process = p;
    LIVE.add(this);
    try {
      awaitReady(p, timeout, pollInterval, notReady);
      return Duration.ofNanos(System.nanoTime() - startNanos);
    } catch (RuntimeException | Error e) {
      try {
        destroyTree(p);
        waitFor(p, KILL_TIMEOUT);
        ended();
      } catch (RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }

  /**
   * Ends the process gracefully (SIGTERM), forcibly after the stop timeout. Does nothing if it is
   * not running.
   */
  synchronized void stop() {
    Process p = process;
    if (p == null) {
      return;
    }
    p.destroy();
    if (!waitFor(p, stopTimeout)) {
      destroyTree(p);
      waitFor(p, KILL_TIMEOUT);
    }
    ended();
  }

  /** Kills the process and its children at once (SIGKILL) and waits until it is gone. */
  synchronized void kill() {
    Process p = process;
    if (p == null) {
      return;
    }
    destroyTree(p);
    if (!waitFor(p, KILL_TIMEOUT)) {
      throw new IllegalStateException(
          description + " (pid " + p.pid() + ") did not die after SIGKILL");
    }
    ended();
  }

  /**
   * {@link #stop()}, then {@code launch} again. The port was ours a moment ago; if another process
   * grabbed it meanwhile, it is lost, but the old socket may still be being released: retry a few
   * times.
   */
  synchronized void restart(Runnable launch) {
    stop();
    retryOnPortInUse(
        description + " could not bind its port again on restart",
        () -> {
          launch.run();
          return null;
        });
  }

  /**
   * The log written by the current (or last) launch, at most its last MiB, without ANSI colour
   * codes.
   */
  String logSinceLaunch() {
    return readLog(logOffset);
  }

  /** The log from {@code offset} on, at most its last MiB, without ANSI colour codes. */
  String readLog(long offset) {
    if (!Files.exists(logFile)) {
      return "";
    }
    try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
      long length = file.length();
      if (length <= offset) {
        return "";
      }
      byte[] bytes = new byte[(int) Math.min(length - offset, LOG_READ_LIMIT)];
      file.seek(length - bytes.length);
      file.readFully(bytes);
      return ANSI.matcher(new String(bytes, StandardCharsets.UTF_8)).replaceAll("");
    } catch (IOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /**
   * A failed start: {@code message} followed by the log file's name and the end of this launch's
   * log.
   */
  IllegalStateException failure(String message) {
    return new IllegalStateException(withLogTail(message, logSinceLaunch()));
  }

  private String withLogTail(String message, String log) {
    return message
        + " (log "
        + logFile
        + "):\n"
        + (log.isEmpty() ? "(empty log)" : lastChars(log, LOG_TAIL_CHARS));
  }

  // ------------------------------------------------------------------------------------------

  private void awaitReady(
      Process p, Duration timeout, Duration pollInterval, Supplier<String> notReady) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String reason = "not checked yet";
    while (true) {
      if (!p.isAlive()) {
        String log = logSinceLaunch();
        String message =
            withLogTail(
                description
                    + " exited with code "
                    + p.exitValue()
                    + " before it was ready ("
                    + reason
                    + ")",
                log);
        throw PORT_IN_USE.stream().anyMatch(log::contains)
            ? new PortInUseException(message)
            : new IllegalStateException(message);
      }
      reason = notReady.get();
      if (reason == null) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw failure(
            description
                + " (pid "
                + p.pid()
                + ") not ready within "
                + timeout.toSeconds()
                + " s: "
                + reason);
      }
      sleep(pollInterval);
    }
  }

  private void ended() {
    process = null;
    LIVE.remove(this);
    onEnd.run();
  }

  private long logSize() {
    try {
      return Files.exists(logFile) ? Files.size(logFile) : 0L;
    } catch (IOException e) {
      return 0L;
    }
  }

  private void writeLog(String text, boolean append) {
    try {
      Files.writeString(
          logFile,
          text,
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
          StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + logFile, e);
    }
  }

  /** At JVM exit: SIGTERM to every process still running, then SIGKILL to the survivors. */
  private static void endAll() {
    List<Process> ending = new ArrayList<>();
    for (ManagedProcess managed : LIVE) {
      Process p = managed.process; // no lock: a test thread may hold it while the JVM exits
      if (p != null && p.isAlive()) {
        p.destroy();
        ending.add(p);
      }
    }
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    for (Process p : ending) {
      if (!waitFor(p, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
        destroyTree(p);
      }
    }
  }

  // ------------------------------------------------------------------------------------------
  // Helpers

  /**
   * Returns null if {@code GET uri} answers 200, else why not (the status and the start of the
   * body, or the exception), for a readiness check.
   */
  static String notAnswering200(URI uri) {
    String answer;
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 200) {
        return null;
      }
      String body = response.body().replaceAll("\\s+", " ").trim();
      answer =
          "HTTP "
              + response.statusCode()
              + ": "
              + (body.length() <= 200 ? body : body.substring(0, 200) + "...");
    } catch (IOException e) {
      answer = e.toString();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + uri, e);
    }
    return "GET " + uri + " did not answer 200; last answer: " + answer;
  }

  /**
   * Calls {@code attempt} until it does not fail because the process lost its port to another one,
   * at most 5 times.
   */
  static <T> T retryOnPortInUse(String failure, Supplier<T> attempt) {
    PortInUseException last = null;
    for (int i = 1; i <= START_ATTEMPTS; i++) {
      try {
        return attempt.get();
      } catch (PortInUseException e) {
        last = e;
        sleep(RETRY_PAUSE);
      }
    }
    throw new IllegalStateException(failure + " in " + START_ATTEMPTS + " attempts", last);
  }

  /** A port of 127.0.0.1 that is free now (another process may take it before ours binds it). */
  static int freePort() {
    // The kernel may hand out a port it handed out a moment ago: a server given two listeners'
    // ports in a row could get the same one twice (seen: WildFly's HTTPS listener on its HTTP
    // port). So no port goes out twice from this JVM while others are free.
    for (int attempt = 1; ; attempt++) {
      try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        int port = socket.getLocalPort();
        if (HANDED_OUT.add(port) || attempt >= 100) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
      }
    }
  }

  /** Every port {@link #freePort()} handed out in this JVM. */
  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  static String lastChars(String s, int chars) {
    return s.length() <= chars ? s : "..." + s.substring(s.length() - chars);
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot delete " + dir, e);
    }
  }

  static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "Interrupted while waiting for a test process",
          new InterruptedIOException(e.getMessage()));
    }
  }

  private static void destroyTree(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
  }

  /**
   * {@link Process#waitFor(long, TimeUnit)}, not interruptible (the interrupt is kept for later).
   */
  private static boolean waitFor(Process p, Duration timeout) {
    boolean interrupted = false;
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (true) {
        try {
          return p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The process exited because another process took its port. */
  private static final class PortInUseException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
      super(message);
    }
  }
}
