package io.github.dysession.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * One real Open Liberty server process ({@code wlp/bin/server run}, which {@code exec}s the JVM, so
 * the process is the server's JVM) with the test WAR deployed, listening on 127.0.0.1 only.
 *
 * <ul>
 * <li><b>Runtime.</b> The unpacked {@code io.openliberty:openliberty-runtime} zip: system property
 * {@value #HOME_PROPERTY} (set by failsafe), else {@code <it>/target/servers/liberty/wlp}. It is
 * only read: each launch gets its own {@code WLP_USER_DIR}.</li>
 * <li><b>Fresh user directory per launch</b> ({@code target/liberty-runs/<name>/usr-<n>}) with
 * one server {@value #SERVER_NAME}: {@code server.xml} (the {@link #DEFAULT_FEATURES}, the HTTP
 * endpoint on 127.0.0.1 and a free port, HTTPS off, the WAR as a {@code webApplication} at the
 * context root), {@code jvm.options} (one {@code -Dkey=value} line per setting: MicroProfile Config
 * reads system properties). Its {@code workarea} (the OSGi cache) is deleted when the process ends;
 * configuration and logs stay for post-mortems.</li>
 * <li><b>Loopback only.</b> These features open two listeners, both on 127.0.0.1: the HTTP endpoint
 * ({@code host="127.0.0.1"}) and the server command port (a random port Liberty itself binds to
 * loopback, for {@code server stop}). No HTTPS ({@code httpsPort="-1"}), no JMX/REST connector, no
 * OSGi console; dropins monitoring and configuration polling are off.</li>
 * <li><b>Output</b> (Liberty's console, INFO and up, plain format) goes to
 * {@code target/liberty-runs/<name>.log}, appended to on restart.</li>
 * <li><b>Ready</b> when {@code GET <baseUri>ping} answers 200 within 180 s; if Liberty reports
 * that the application failed to start ({@code CWWKZ0002E}, {@code CWWKZ0004E}) or says it is
 * ready but the URL still fails 15 s later, the start fails at once with the end of the log.</li>
 * <li><b>Environment.</b> The test JVM's environment minus every {@code DYSESSION_*},
 * {@code AWS_*}, {@code WLP_*}, {@code JVM_ARGS} and {@code JAVA_OPTIONS} variable, plus
 * {@code JAVA_HOME} and {@code WLP_USER_DIR}.</li>
 * </ul>
 */
public final class OpenLiberty implements AppServer {

    /** System property (set by failsafe) with the path of the unpacked runtime ({@code .../wlp}). */
    public static final String HOME_PROPERTY = "dysession.it.libertyHome";
    /** The server's name inside each fresh user directory. */
    public static final String SERVER_NAME = "dysession";
    /**
     * The features the test application needs: Servlet, CDI (Weld inside), Jakarta REST with JSON-B
     * for its resources, and MicroProfile Config for dysession's settings. dysession itself needs
     * servlet, cdi, jsonb and mpConfig.
     */
    public static final List<String> DEFAULT_FEATURES = List.of(
            "servlet-6.0", "cdi-4.0", "restfulWS-3.1", "jsonb-3.0", "jsonp-2.1", "mpConfig-3.1");

    private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration AFTER_READY_LINE_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** CWWKF0011I: "The dysession server is ready to run a smarter planet." */
    private static final Pattern READY_LINE = Pattern.compile("CWWKF0011I");
    /** The application did not start (CWWKZ0002E: exception starting; CWWKZ0004E: exception at startup). */
    private static final Pattern APP_FAILED = Pattern.compile("CWWKZ000[24]E");

    private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    private final String name;
    private final Path home;
    private final Path javaHome;
    private final Path war;
    private final String contextRoot;
    private final List<String> features;
    private final Map<String, String> systemProperties;
    private final List<String> jvmArgs;
    private final Duration readyTimeout;
    private final Path runDir;
    private final ManagedProcess process;
    private volatile int port;
    private int launches;
    private volatile Path userDir;
    private volatile Duration startupTime;
    private long readyLineSeen;

    private OpenLiberty(Builder b, String uniqueName, Path home, Path javaHome, Path war) {
        this.name = uniqueName;
        this.home = home;
        this.javaHome = javaHome;
        this.war = war;
        this.contextRoot = b.contextRoot;
        this.features = List.copyOf(b.features);
        this.systemProperties = Map.copyOf(b.systemProperties);
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.readyTimeout = b.readyTimeout;
        Path runs = Dynalite.baseDir().resolve("target").resolve("liberty-runs");
        this.runDir = runs.resolve(uniqueName);
        this.process = new ManagedProcess("Open Liberty " + uniqueName, runs.resolve(uniqueName + ".log"),
                STOP_TIMEOUT, this::deleteWorkarea);
        ManagedProcess.deleteRecursively(runDir);
        ManagedProcess.createDirectories(runDir);
    }

    /** A builder for an instance named {@code name} (letters, digits, '.', '_', '-'). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The unpacked runtime: {@value #HOME_PROPERTY}, else {@code <it>/target/servers/liberty/wlp}. */
    public static Path defaultHome() {
        String value = System.getProperty(HOME_PROPERTY);
        Path path = value != null && !value.isBlank() ? Paths.get(value)
                : Dynalite.baseDir().resolve("target").resolve("servers").resolve("liberty").resolve("wlp");
        return path.toAbsolutePath().normalize();
    }

    // ------------------------------------------------------------------------------------------
    // The running instance

    @Override
    public String name() {
        return name;
    }

    @Override
    public URI baseUri() {
        return URI.create("http://" + ManagedProcess.LOOPBACK + ":" + port + "/" + contextRoot + "/");
    }

    @Override
    public URI uri(String relative) {
        return baseUri().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
    }

    public int port() {
        return port;
    }

    /** The server directory of the current (or last) launch ({@code <usr>/servers/dysession}). */
    public Path serverDir() {
        Path usr = userDir;
        return usr == null ? null : usr.resolve("servers").resolve(SERVER_NAME);
    }

    public Path logFile() {
        return process.logFile();
    }

    @Override
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isRunning() {
        return process.isRunning();
    }

    /** The process id (the server's JVM), or -1 if not running. */
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
    public String log() {
        return process.readLog(0);
    }

    /** Ends the server gracefully (SIGTERM: Liberty stops its applications), forcibly after 30 s. */
    public void stop() {
        process.stop();
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
        stop();
    }

    @Override
    public String toString() {
        return "OpenLiberty[" + name + ", " + baseUri() + ", " + home + " on " + javaHome + "]";
    }

    // ------------------------------------------------------------------------------------------

    /** Builds and starts an {@link OpenLiberty}. */
    public static final class Builder {
        private final String name;
        private Path home;
        private Path javaHome;
        private Path war;
        private String contextRoot = PayaraMicro.DEFAULT_CONTEXT_ROOT;
        private final List<String> features = new ArrayList<>(DEFAULT_FEATURES);
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;

        private Builder(String name) {
            if (!name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("Instance name must be letters, digits, '.', '_', '-': " + name);
            }
            this.name = name;
            systemProperties.put(PayaraMicro.INSTANCE_PROPERTY, name);
        }

        /** The unpacked runtime (default {@link #defaultHome()}). */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /** The JDK to run on (default: the test JVM's). */
        public Builder javaHome(Path javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        /** The WAR to deploy (default {@link PayaraMicro#defaultWar()}). */
        public Builder war(Path war) {
            this.war = war;
            return this;
        }

        /** The context root without slashes (default {@code app}). */
        public Builder contextRoot(String contextRoot) {
            String root = Objects.requireNonNull(contextRoot).replaceAll("^/+|/+$", "");
            if (root.isEmpty()) {
                throw new IllegalArgumentException("A context root is needed");
            }
            this.contextRoot = root;
            return this;
        }

        /** Replaces the features of server.xml (default {@link #DEFAULT_FEATURES}). */
        public Builder features(List<String> features) {
            this.features.clear();
            this.features.addAll(features);
            return this;
        }

        /** A system property of the server JVM (a line of jvm.options). */
        public Builder systemProperty(String key, String value) {
            if (key.contains("\n") || value.contains("\n")) {
                throw new IllegalArgumentException("A jvm.options line cannot hold a line break: " + key);
            }
            systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            properties.forEach(this::systemProperty);
            return this;
        }

        /** An extra JVM option (a line of jvm.options), e.g. {@code -Xmx512m}. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg));
            return this;
        }

        /** How long to wait for readiness (default 180 s). */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout);
            return this;
        }

        /** Launches the server on a free port of 127.0.0.1 and waits until the application answers. */
        public OpenLiberty start() {
            Path runtime = (home == null ? defaultHome() : home).toAbsolutePath().normalize();
            if (!Files.isExecutable(runtime.resolve("bin").resolve("server"))) {
                throw new IllegalStateException("No Open Liberty runtime at " + runtime + ". Run the tests with"
                        + " `mvn verify -pl it -am` (it unpacks io.openliberty:openliberty-runtime to target/servers/liberty).");
            }
            Path warFile = (war == null ? PayaraMicro.defaultWar() : war).toAbsolutePath().normalize();
            if (!Files.isRegularFile(warFile)) {
                throw new IllegalStateException("The WAR " + warFile + " does not exist");
            }
            Path jdk = (javaHome == null ? PayaraMicro.currentJavaHome() : javaHome).toAbsolutePath().normalize();
            int n = NAMES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            String uniqueName = n == 1 ? name : name + "-" + n;
            OpenLiberty liberty = new OpenLiberty(this, uniqueName, runtime, jdk, warFile);
            return ManagedProcess.retryOnPortInUse("Open Liberty " + uniqueName + " could not bind a free port", () -> {
                liberty.port = ManagedProcess.freePort();
                liberty.launch();
                return liberty;
            });
        }
    }

    // ------------------------------------------------------------------------------------------

    /** One launch: a fresh user directory with the server's configuration, on {@link #port}. */
    private void launch() {
        userDir = runDir.resolve("usr-" + ++launches);
        Path serverDir = serverDir();
        ManagedProcess.createDirectories(serverDir);
        write(serverDir.resolve("server.xml"), serverXml());
        write(serverDir.resolve("jvm.options"), jvmOptions());
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("server").toString(), "run", SERVER_NAME)
                .directory(runDir.toFile());
        builder.environment().keySet().removeIf(k -> {
            String upper = k.toUpperCase(Locale.ROOT);
            return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_") || upper.startsWith("WLP_")
                    || upper.equals("JVM_ARGS") || upper.equals("JAVA_OPTIONS") || upper.equals("OPENJ9_JAVA_OPTIONS");
        });
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("WLP_USER_DIR", userDir.toString());
        readyLineSeen = 0;
        startupTime = process.launch(builder, readyTimeout, POLL_INTERVAL, this::notReady);
    }

    private String serverXml() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<server description=\"dysession integration test ").append(name).append("\">\n")
                .append("  <featureManager>\n");
        for (String feature : features) {
            xml.append("    <feature>").append(feature).append("</feature>\n");
        }
        xml.append("  </featureManager>\n")
                .append("  <!-- HTTP on loopback, no HTTPS (the command port Liberty binds to loopback itself). -->\n")
                .append("  <httpEndpoint id=\"defaultHttpEndpoint\" host=\"").append(ManagedProcess.LOOPBACK)
                .append("\" httpPort=\"").append(port).append("\" httpsPort=\"-1\"/>\n")
                .append("  <webApplication id=\"app\" name=\"app\" location=\"").append(xmlAttribute(war.toString()))
                .append("\" contextRoot=\"/").append(xmlAttribute(contextRoot)).append("\"/>\n")
                .append("  <applicationMonitor updateTrigger=\"disabled\" dropinsEnabled=\"false\"/>\n")
                .append("  <config updateTrigger=\"disabled\"/>\n")
                .append("  <logging consoleLogLevel=\"INFO\" consoleFormat=\"SIMPLE\" copySystemStreams=\"true\"/>\n")
                .append("</server>\n");
        return xml.toString();
    }

    private String jvmOptions() {
        StringBuilder options = new StringBuilder();
        for (String arg : jvmArgs) {
            options.append(arg).append('\n');
        }
        systemProperties.forEach((k, v) -> options.append("-D").append(k).append('=').append(v).append('\n'));
        return options.toString();
    }

    private String notReady() {
        URI readyUri = uri("ping");
        String answer;
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(readyUri).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return null;
            }
            String body = response.body().replaceAll("\\s+", " ").trim();
            answer = "HTTP " + response.statusCode() + ": " + (body.length() <= 200 ? body : body.substring(0, 200) + "...");
        } catch (IOException e) {
            answer = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Open Liberty " + name, e);
        }
        String reason = "GET " + readyUri + " did not answer 200; last answer: " + answer;
        String log = process.logSinceLaunch();
        if (APP_FAILED.matcher(log).find()) {
            throw process.failure("Open Liberty " + name + " (pid " + pid() + ") could not start the application");
        }
        if (readyLineSeen == 0 && READY_LINE.matcher(log).find()) {
            readyLineSeen = System.nanoTime();
        }
        if (readyLineSeen != 0 && System.nanoTime() - readyLineSeen > AFTER_READY_LINE_GRACE.toNanos()) {
            throw process.failure("Open Liberty " + name + " (pid " + pid() + ") is ready, but " + reason + " "
                    + AFTER_READY_LINE_GRACE.toSeconds() + " s later (the deployment failed?)");
        }
        return reason;
    }

    /** After the process ended: delete the OSGi cache of its server dir; configuration and logs stay. */
    private void deleteWorkarea() {
        Path dir = serverDir();
        if (dir != null) {
            ManagedProcess.deleteRecursively(dir.resolve("workarea"));
        }
    }

    private static String xmlAttribute(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;");
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
