package io.github.dysession.it.support;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One real dynalite process (the npm package pinned by {@code it/package.json}, installed by
 * {@code npm ci} in the Maven phase pre-integration-test), listening on 127.0.0.1 only.
 *
 * <p>{@link #start(Path)} picks a free port, launches
 * {@code node node_modules/dynalite/cli.js --host 127.0.0.1 --port N --createTableMs 0 ...}
 * and waits until the server accepts connections. Its output goes to
 * {@code <basedir>/target/dynalite-<port>.log}. {@link #kill()} and {@link #restart()} exist for
 * fault tests: with a data directory, the data survives a {@code kill -9}; in memory, it does not.
 *
 * <p>A JVM shutdown hook ends every process still running, so none outlives the test JVM.
 */
public final class Dynalite implements AutoCloseable {

    /** System property set by failsafe to the it/ module folder. */
    public static final String BASEDIR_PROPERTY = "dysession.it.basedir";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_ATTEMPTS = 5;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
    /** Printed by dynalite's cli.js once its server is listening. */
    private static final String READY_LINE = "Dynalite listening at";
    private static final int LOG_TAIL_CHARS = 4000;

    private static final Set<Dynalite> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Dynalite::endAll, "dynalite-shutdown"));
    }

    private final Path baseDir;
    private final Path node;
    private final Path cliJs;
    private final Path dataDir;
    private final int port;
    private final Path logFile;
    private volatile Process process;

    private Dynalite(Path baseDir, Path node, Path cliJs, Path dataDir, int port) {
        this.baseDir = baseDir;
        this.node = node;
        this.cliJs = cliJs;
        this.dataDir = dataDir;
        this.port = port;
        this.logFile = baseDir.resolve("target").resolve("dynalite-" + port + ".log");
    }

    /**
     * Starts a dynalite process on a free port of 127.0.0.1 and waits until it is ready.
     *
     * @param dataDir the LevelDB directory (created if missing), or {@code null} to keep the data in memory
     */
    public static Dynalite start(Path dataDir) {
        Path baseDir = baseDir();
        Path cliJs = baseDir.resolve("node_modules").resolve("dynalite").resolve("cli.js");
        if (!Files.isRegularFile(cliJs)) {
            throw new IllegalStateException("dynalite is not installed: " + cliJs
                    + " does not exist. Run `npm ci` in " + baseDir
                    + " (the Maven build does it in phase pre-integration-test).");
        }
        Path node = findNode();
        Path data = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
        if (data != null) {
            createDirectories(data);
        }
        createDirectories(baseDir.resolve("target"));

        PortInUseException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            Dynalite dynalite = new Dynalite(baseDir, node, cliJs, data, freePort());
            try {
                dynalite.launch(false);
                return dynalite;
            } catch (PortInUseException e) {
                last = e;
            }
        }
        throw new IllegalStateException("dynalite could not bind a free port in "
                + START_ATTEMPTS + " attempts", last);
    }

    /** The it/ module folder: system property {@value #BASEDIR_PROPERTY}, else the current directory. */
    public static Path baseDir() {
        String property = System.getProperty(BASEDIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Paths.get(property).toAbsolutePath().normalize();
        }
        Path current = Paths.get("").toAbsolutePath().normalize();
        if (Files.isDirectory(current.resolve("node_modules").resolve("dynalite"))) {
            return current;
        }
        throw new IllegalStateException("Cannot locate dynalite: system property " + BASEDIR_PROPERTY
                + " is not set and " + current + " has no node_modules/dynalite."
                + " Run the tests with `mvn verify -pl it`, or from the it/ folder after `npm ci`.");
    }

    /** {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return URI.create("http://" + LOOPBACK + ":" + port);
    }

    public int port() {
        return port;
    }

    /** The LevelDB directory, or {@code null} if the data is kept in memory. */
    public Path dataDir() {
        return dataDir;
    }

    /** The file receiving dynalite's standard output and error. */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Ends the process gracefully (SIGTERM), forcibly after 5 s. Does nothing if it is not running. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        p.destroy();
        if (!waitFor(p, STOP_TIMEOUT)) {
            destroyTree(p);
            waitFor(p, KILL_TIMEOUT);
        }
        process = null;
        LIVE.remove(this);
    }

    /**
     * Kills the process at once (SIGKILL, like {@code kill -9}) and waits for it to be gone, so that
     * its port and data directory are released. For fault tests.
     */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        Process p = process;
        destroyTree(p);
        if (!waitFor(p, KILL_TIMEOUT)) {
            throw new IllegalStateException("dynalite (pid " + p.pid() + ") did not die after SIGKILL");
        }
        process = null;
        LIVE.remove(this);
    }

    /**
     * Starts dynalite again on the same port and the same data directory (stopping it first if it is
     * still running), and waits until it is ready.
     */
    public synchronized void restart() {
        stop();
        // The port was ours a moment ago; if another process grabbed it meanwhile, it is lost.
        // Retry a few times in case the old socket is still being released.
        PortInUseException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                launch(true);
                return;
            } catch (PortInUseException e) {
                last = e;
                sleep(Duration.ofMillis(200));
            }
        }
        throw new IllegalStateException("dynalite could not bind port " + port + " again on restart", last);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "Dynalite[" + endpoint() + (dataDir == null ? ", in memory" : ", path=" + dataDir)
                + (isRunning() ? ", pid " + process.pid() : ", stopped") + "]";
    }

    // ------------------------------------------------------------------------------------------

    private synchronized void launch(boolean appendLog) {
        List<String> command = new ArrayList<>(List.of(
                node.toString(), cliJs.toString(),
                "--host", LOOPBACK,
                "--port", Integer.toString(port),
                "--createTableMs", "0",
                "--deleteTableMs", "0",
                "--updateTableMs", "0"));
        if (dataDir != null) {
            command.add("--path");
            command.add(dataDir.toString());
        }
        long logOffset = appendLog ? logSize() : 0L;
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(baseDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(appendLog
                        ? ProcessBuilder.Redirect.appendTo(logFile.toFile())
                        : ProcessBuilder.Redirect.to(logFile.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.PIPE);
        Process p;
        try {
            p = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run " + command, e);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // Nothing to close.
        }
        process = p;
        LIVE.add(this);
        try {
            awaitReady(p, logOffset);
        } catch (RuntimeException | Error e) {
            destroyTree(p);
            waitFor(p, KILL_TIMEOUT);
            process = null;
            LIVE.remove(this);
            throw e;
        }
    }

    /**
     * Ready = the process is alive, has printed its "listening" line (so the port is bound by this
     * process, not by a stranger that took it) and the port accepts TCP connections.
     */
    private void awaitReady(Process p, long logOffset) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!p.isAlive()) {
                String log = readLog(logOffset);
                String message = "dynalite exited with code " + exitValue(p) + " before listening on "
                        + endpoint() + " (log " + logFile + "):\n" + tail(log);
                if (log.contains("EADDRINUSE")) {
                    throw new PortInUseException(message);
                }
                throw new IllegalStateException(message);
            }
            if (readLog(logOffset).contains(READY_LINE) && acceptsConnections()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("dynalite (pid " + p.pid() + ") did not accept connections on "
                        + endpoint() + " within " + READY_TIMEOUT.toSeconds() + " s (log " + logFile + "):\n"
                        + tail(readLog(logOffset)));
            }
            sleep(POLL_INTERVAL);
        }
    }

    private boolean acceptsConnections() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    /** The log written since {@code offset} (by the current launch). */
    private String readLog(long offset) {
        if (!Files.exists(logFile)) {
            return "";
        }
        try (RandomAccessFile file = new RandomAccessFile(logFile.toFile(), "r")) {
            long length = file.length();
            if (length <= offset) {
                return "";
            }
            byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
            file.seek(length - bytes.length);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private static String tail(String log) {
        if (log.isEmpty()) {
            return "(empty log)";
        }
        return log.length() <= LOG_TAIL_CHARS ? log : "..." + log.substring(log.length() - LOG_TAIL_CHARS);
    }

    private static String exitValue(Process p) {
        try {
            return Integer.toString(p.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
        }
    }

    private static Path findNode() {
        String path = System.getenv("PATH");
        boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
        List<String> names = windows ? List.of("node.exe", "node.cmd", "node") : List.of("node");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue;
                }
                for (String name : names) {
                    Path candidate = Paths.get(dir, name);
                    if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                        return candidate.toAbsolutePath();
                    }
                }
            }
        }
        throw new IllegalStateException("Cannot find `node` on PATH (" + path + "); Node.js is needed to run dynalite.");
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    private static void destroyTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

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

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for dynalite",
                    new InterruptedIOException(e.getMessage()));
        }
    }

    /** At JVM exit: SIGTERM to every process still running, then SIGKILL to the survivors. */
    private static void endAll() {
        List<Process> processes = new ArrayList<>();
        for (Dynalite dynalite : LIVE) {
            Process p = dynalite.process; // no lock: a test thread may hold it while the JVM exits
            if (p != null && p.isAlive()) {
                processes.add(p);
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !waitFor(p, Duration.ofNanos(left))) {
                destroyTree(p);
            }
        }
    }

    /** dynalite exited with EADDRINUSE: another process took the port. */
    private static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
