package io.github.dysession.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The part shared by the servers installed from a distribution zip ({@link WildFly},
 * {@link GlassFish}): one server JVM, launched directly (no wrapper script, so that stop and kill
 * reach the real server), with the test WAR deployed at context root {@code app}, the settings as
 * system properties, and a fresh instance directory per launch under {@code target/<kind>-runs/<name>/}.
 *
 * <ul>
 * <li><b>Ready</b> when {@code GET app/ping} answers 200, within {@link #READY_TIMEOUT} (these
 * servers took up to two minutes to start on a busy two-core machine).</li>
 * <li><b>Loopback only.</b> Subclasses bind every listener to 127.0.0.1; once ready, the start fails
 * if the process listens on any other address (checked in {@code /proc} on Linux).</li>
 * <li><b>Environment.</b> Inherited minus every {@code DYSESSION_*} and {@code AWS_*} variable.</li>
 * <li><b>Output</b> (standard output and error of all launches) goes to {@code target/<kind>-runs/<name>.log}.</li>
 * </ul>
 */
public abstract class InstalledServer implements AppServer {

    /** The context root the test WAR is deployed at. */
    static final String CONTEXT_ROOT = "app";

    /** How long a start may take until the application answers. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final String name;
    private final String kind;
    private final Path runDir;
    private final ManagedProcess process;
    /** The server's system properties: the settings, and {@code dysession.it.instance}. */
    final Map<String, String> systemProperties;
    final Path javaHome;
    final Path war;
    private volatile int port;
    private int launches;
    private volatile Duration startupTime;

    InstalledServer(String kind, String name, Map<String, String> settings) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("Instance name must match [A-Za-z0-9._-]+: " + name);
        }
        this.kind = kind;
        this.name = name;
        this.systemProperties = new LinkedHashMap<>();
        systemProperties.put(PayaraMicro.INSTANCE_PROPERTY, name);
        systemProperties.putAll(settings);
        this.javaHome = PayaraMicro.currentJavaHome();
        this.war = requireFile(PayaraMicro.defaultWar(), "test WAR");
        Path runs = Dynalite.baseDir().resolve("target").resolve(kind.toLowerCase(Locale.ROOT) + "-runs");
        this.runDir = runs.resolve(name);
        ManagedProcess.deleteRecursively(runDir);
        ManagedProcess.createDirectories(runDir);
        this.process = new ManagedProcess(kind + " " + name, runs.resolve(name + ".log"), STOP_TIMEOUT, () -> { });
    }

    /**
     * Prepares a fresh instance directory for one launch (configuration, the WAR deployed at
     * {@code app}, HTTP on {@code httpPort}, everything else on free loopback ports) and returns the
     * command that runs the server JVM in the foreground.
     */
    abstract List<String> prepareLaunch(Path instanceDir, int httpPort);

    /** Starts the server on a free port; a start that loses its port to another process is retried. */
    final void start() {
        ManagedProcess.retryOnPortInUse(kind + " " + name + " could not bind a free port", () -> {
            port = ManagedProcess.freePort();
            launch();
            return null;
        });
    }

    private void launch() {
        Path instanceDir = runDir.resolve("instance-" + ++launches);
        List<String> command = prepareLaunch(instanceDir, port);
        ProcessBuilder builder = new ProcessBuilder(command).directory(instanceDir.toFile());
        builder.environment().keySet().removeIf(k -> {
            String upper = k.toUpperCase(Locale.ROOT);
            return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_");
        });
        builder.environment().put("JAVA_HOME", javaHome.toString());
        startupTime = process.launch(builder, READY_TIMEOUT, POLL_INTERVAL, this::notReady);
        requireLoopbackOnly();
    }

    private String notReady() {
        URI readyUri = uri("ping");
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(readyUri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return null;
            }
            return "GET " + readyUri + " answered " + response.statusCode();
        } catch (IOException e) {
            return "GET " + readyUri + ": " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + kind + " " + name, e);
        }
    }

    /** The sockets the server process listens on (empty if not running or not Linux). */
    public List<ListeningSockets.Socket> listeningSockets() {
        long pid = process.pid();
        return ListeningSockets.supported() && pid >= 0 ? ListeningSockets.of(pid) : List.of();
    }

    private void requireLoopbackOnly() {
        List<ListeningSockets.Socket> exposed = listeningSockets().stream()
                .filter(s -> !s.isLoopback()).toList();
        if (!exposed.isEmpty()) {
            IllegalStateException failure = process.failure(kind + " " + name + " listens beyond 127.0.0.1: " + exposed);
            process.kill();
            throw failure;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port + "/" + CONTEXT_ROOT + "/");
    }

    @Override
    public URI uri(String relative) {
        return baseUri().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
    }

    @Override
    public String log() {
        return process.readLog(0);
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    /** The process id, or -1 if not running. */
    public long pid() {
        return process.pid();
    }

    @Override
    public long rssBytes() {
        long pid = pid();
        if (pid < 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process just ended.
        }
        return -1;
    }

    @Override
    public void kill() {
        process.kill();
    }

    @Override
    public void restart() {
        process.restart(this::launch);
    }

    @Override
    public void close() {
        process.stop();
    }

    @Override
    public String toString() {
        return kind + "[" + name + ", " + baseUri() + (pid() >= 0 ? ", pid " + pid() : ", stopped") + "]";
    }

    // ------------------------------------------------------------------------------------------
    // Helpers for subclasses

    /**
     * The unpacked distribution: system property {@code property} (set by failsafe), else the only
     * directory inside {@code target/servers/<dir>} (where the build unpacks the zip).
     */
    static Path installation(String property, String dir) {
        String value = System.getProperty(property);
        Path home;
        if (value != null && !value.isBlank()) {
            home = Paths.get(value);
        } else {
            Path unpacked = Dynalite.baseDir().resolve("target").resolve("servers").resolve(dir);
            try (Stream<Path> children = Files.isDirectory(unpacked) ? Files.list(unpacked) : Stream.empty()) {
                home = children.filter(Files::isDirectory).findFirst().orElse(unpacked);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + unpacked, e);
            }
        }
        home = home.toAbsolutePath().normalize();
        if (!Files.isDirectory(home)) {
            throw new IllegalStateException("No server installation at " + home + ". Run the tests with"
                    + " `mvn verify -pl it -am` (it unpacks the server zips to target/servers/).");
        }
        return home;
    }

    static void copyTree(Path from, Path to) {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }

    static void copyFile(Path from, Path to) {
        try {
            Files.createDirectories(to.getParent());
            Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy " + from + " to " + to, e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** {@code text} with {@code from} replaced by {@code to}; fails if {@code from} does not occur (the distribution changed). */
    static String replaceRequired(String text, String from, String to, Path file) {
        if (!text.contains(from)) {
            throw new IllegalStateException("Expected '" + from + "' in " + file);
        }
        return text.replace(from, to);
    }

    private static Path requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The " + what + " " + file + " does not exist. Run the tests with"
                    + " `mvn verify -pl it -am`.");
        }
        return file;
    }
}
