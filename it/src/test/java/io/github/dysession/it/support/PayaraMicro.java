package io.github.dysession.it.support;

import java.io.IOException;
import java.io.InputStream;
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
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One real Payara Micro process ({@code java -jar payara-micro.jar}) with the test WAR deployed,
 * listening on 127.0.0.1 only.
 *
 * <p>Command line: {@code <javaHome>/bin/java [jvm args] [-Dkey=value...] -jar payara-micro-N.jar
 * --deploy <war> --contextroot <root> --port <free port> --nohazelcast --name <name>
 * --prebootcommandfile <file> --logproperties <file> --rootdir <fresh dir>}.
 * <ul>
 * <li><b>Loopback only.</b> The HTTP listener's address is set to 127.0.0.1 by asadmin
 * {@code set} commands in the pre-boot command file (the HTTPS listener, disabled, and the JMX
 * connector, disabled, too). {@code --nohazelcast} turns Hazelcast off altogether, so nothing
 * listens on 6900 (with {@code --nocluster} Hazelcast still listens there, on all interfaces).
 * With that, the HTTP port is the only socket the process listens on.</li>
 * <li><b>Fresh root directory per launch</b> ({@code target/payara-runs/<name>/root-<n>}):
 * reusing one deployed the application twice. The unpacked runtime in it (~100 MB) is deleted
 * when the process ends; the configuration stays for post-mortems.</li>
 * <li><b>Output</b> goes to {@code target/payara-runs/<name>.log} (appended to on restart),
 * without ANSI colours.</li>
 * <li><b>Ready</b> when {@code GET <baseUri><readyPath>} (default {@code ping}) answers 200,
 * within 120 s; otherwise the start fails with the end of the log. A start that loses its port to
 * another process is retried on a new port.</li>
 * <li><b>Environment.</b> The process inherits the test JVM's environment minus every
 * {@code DYSESSION_*} and {@code AWS_*} variable, so only what the test sets applies.</li>
 * </ul>
 * A JVM shutdown hook ends every process still running, so none outlives the test JVM.
 *
 * <pre>
 * try (PayaraMicro a = PayaraMicro.builder("a")
 *         .systemProperty("dysession.dynamodb-endpoint", dynalite.endpoint().toString())
 *         .start()) {
 *     HttpResponse&lt;String&gt; r = http.send(HttpRequest.newBuilder(a.uri("ping")).build(), ofString());
 * }
 * </pre>
 */
public final class PayaraMicro implements AutoCloseable {

    /** System property (set by failsafe) with the path of the test WAR. */
    public static final String WAR_PROPERTY = "dysession.it.war";
    /** System property (set by failsafe) with the path of the Payara Micro 6 jar. */
    public static final String PAYARA6_JAR_PROPERTY = "dysession.it.payara6Jar";
    /** System property (set by failsafe) with the path of the Payara Micro 7 jar. */
    public static final String PAYARA7_JAR_PROPERTY = "dysession.it.payara7Jar";
    /** System property of the server naming the instance; the test app's {@code /ping} answers {@code pong <it>}. */
    public static final String INSTANCE_PROPERTY = "dysession.it.instance";
    /** Where this machine has a JDK 25 (for Payara 7). */
    public static final Path JDK25_HOME = Paths.get("/usr/lib/jvm/temurin-25-jdk-amd64");
    /** The default context root. */
    public static final String DEFAULT_CONTEXT_ROOT = "app";

    private static final String LOOPBACK = "127.0.0.1";
    private static final int START_ATTEMPTS = 5;
    private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(120);
    /** Once Payara says it is ready, how long the ready URL may still fail before the start is declared failed. */
    private static final Duration AFTER_READY_LINE_GRACE = Duration.ofSeconds(15);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOG_TAIL_CHARS = 6000;
    /** Printed by Payara Micro once booted and deployed: "Payara Micro 6.2025.10 (build 42) ready in 7,711 (ms)". */
    private static final Pattern READY_LINE = Pattern.compile("Payara Micro \\S+ \\(build [^)]*\\) ready in");
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*m");
    private static final String BIND_EXCEPTION = "java.net.BindException";

    private static final Set<PayaraMicro> LIVE = ConcurrentHashMap.newKeySet();
    private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PayaraMicro::endAll, "payara-micro-shutdown"));
    }

    private final String name;
    private final Path payaraJar;
    private final Path javaHome;
    private final Path war;
    private final String contextRoot;
    private final Map<String, String> systemProperties;
    private final List<String> jvmArgs;
    private final Map<String, String> environment;
    private final String readyPath;
    private final Duration readyTimeout;
    private final Path runDir;
    private final Path logFile;
    private final Path prebootFile;
    private final Path loggingProperties;
    private volatile int port;
    private int launches;
    private volatile Path rootDir;
    private volatile Process process;
    private volatile Duration startupTime;

    private PayaraMicro(Builder b, String uniqueName, Path payaraJar, Path javaHome, Path war) {
        this.name = uniqueName;
        this.payaraJar = payaraJar;
        this.javaHome = javaHome;
        this.war = war;
        this.contextRoot = b.contextRoot;
        this.systemProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.systemProperties));
        this.jvmArgs = List.copyOf(b.jvmArgs);
        this.environment = new LinkedHashMap<>(b.environment);
        this.readyPath = b.readyPath;
        this.readyTimeout = b.readyTimeout;
        Path runs = runsDir();
        this.runDir = runs.resolve(uniqueName);
        this.logFile = runs.resolve(uniqueName + ".log");
        this.prebootFile = runDir.resolve("preboot.asadmin");
        this.loggingProperties = runDir.resolve("logging.properties");
    }

    /** The Payara Micro releases the tests run on. */
    public enum Release {
        /** Payara Micro 6.2025.10 (Jakarta EE 10, Weld 5), JDK 17+. */
        PAYARA_6(PAYARA6_JAR_PROPERTY, "payara-micro-6.jar", 17),
        /** Payara Micro 7.2025.1 (Jakarta EE 11, Weld 6), JDK 21+. */
        PAYARA_7(PAYARA7_JAR_PROPERTY, "payara-micro-7.jar", 21);

        private final String property;
        private final String fileName;
        private final int minimumJava;

        Release(String property, String fileName, int minimumJava) {
            this.property = property;
            this.fileName = fileName;
            this.minimumJava = minimumJava;
        }

        /** The jar: its system property (set by failsafe), else {@code <it>/target/payara/payara-micro-N.jar}. */
        public Path jar() {
            return fileFromProperty(property, () -> Dynalite.baseDir().resolve("target").resolve("payara").resolve(fileName));
        }

        /** The lowest Java feature version this release runs on. */
        public int minimumJava() {
            return minimumJava;
        }
    }

    /** A builder for an instance named {@code name} (letters, digits, '.', '_', '-'). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The test WAR: system property {@value #WAR_PROPERTY}, else {@code <it>/target/dysession-it.war}. */
    public static Path defaultWar() {
        return fileFromProperty(WAR_PROPERTY, () -> Dynalite.baseDir().resolve("target").resolve("dysession-it.war"));
    }

    /** The JDK the test JVM runs on ({@code java.home}). */
    public static Path currentJavaHome() {
        return Paths.get(System.getProperty("java.home")).toAbsolutePath().normalize();
    }

    /** {@link #JDK25_HOME} if it holds a JDK 25+ ({@code bin/java} and a {@code release} file), else {@code null}. */
    public static Path jdk25Home() {
        Path java = JDK25_HOME.resolve("bin").resolve("java");
        if (Files.isExecutable(java) && javaFeatureVersion(JDK25_HOME) >= 25) {
            return JDK25_HOME;
        }
        return null;
    }

    /**
     * The Java feature version of a JDK home (from its {@code release} file, JAVA_VERSION="17.0.15"),
     * or -1 if it cannot be read.
     */
    public static int javaFeatureVersion(Path javaHome) {
        Path release = javaHome.resolve("release");
        if (!Files.isRegularFile(release)) {
            return javaHome.equals(currentJavaHome()) ? Runtime.version().feature() : -1;
        }
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(Files.readString(release));
            return m.find() ? Integer.parseInt(m.group(1)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    // ------------------------------------------------------------------------------------------
    // The running instance

    /** The unique name (the builder's name, with a suffix "-2", "-3"... if already used in this JVM). */
    public String name() {
        return name;
    }

    /** {@code http://127.0.0.1:<port>/<context root>/} (ends with '/'). */
    public URI baseUri() {
        String root = contextRoot.equals("/") ? "" : contextRoot + "/";
        return URI.create("http://" + LOOPBACK + ":" + port + "/" + root);
    }

    /** {@link #baseUri()} resolved against {@code relative}, e.g. {@code uri("ping")}. */
    public URI uri(String relative) {
        return baseUri().resolve(relative.startsWith("/") ? relative.substring(1) : relative);
    }

    public int port() {
        return port;
    }

    /** The file receiving the process's standard output and error (all launches). */
    public Path logFile() {
        return logFile;
    }

    /** The root directory of the current (or last) launch. */
    public Path rootDir() {
        return rootDir;
    }

    /** The JDK the process runs on. */
    public Path javaHome() {
        return javaHome;
    }

    /** The Payara Micro jar. */
    public Path payaraJar() {
        return payaraJar;
    }

    /** Process start to ready URL answering 200, for the last launch. */
    public Duration startupTime() {
        return startupTime;
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The process id, or -1 if not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** The resident set size of the process in bytes (Linux, from /proc), or -1 if unknown or not running. */
    public long rssBytes() {
        long pid = pid();
        if (pid < 0) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(Paths.get("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or the process just ended.
        }
        return -1;
    }

    /** The log of all launches, without ANSI colour codes. */
    public String log() {
        return readLog(0);
    }

    /** The last {@code chars} characters of the log (without ANSI colour codes). */
    public String logTail(int chars) {
        String log = readLog(0);
        return log.length() <= chars ? log : "..." + log.substring(log.length() - chars);
    }

    /**
     * Ends the process gracefully (SIGTERM: Payara runs its shutdown hooks, undeploys the app),
     * forcibly after 20 s. Does nothing if it is not running.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!waitFor(p, STOP_TIMEOUT)) {
            destroyTree(p);
            waitFor(p, KILL_TIMEOUT);
        }
        ended();
    }

    /**
     * Kills the process at once (SIGKILL, like {@code kill -9}: no shutdown hook, no undeployment)
     * and waits until it is gone, so its port is free again. For fault tests.
     */
    public synchronized void kill() {
        Process p = process;
        if (p == null) {
            return;
        }
        destroyTree(p);
        if (!waitFor(p, KILL_TIMEOUT)) {
            throw new IllegalStateException("Payara Micro " + name + " (pid " + p.pid() + ") did not die after SIGKILL");
        }
        ended();
    }

    /**
     * Starts the process again on the same port, with the same settings and a fresh root
     * directory (stopping it gracefully first if it is still running), and waits until it is ready.
     */
    public synchronized void restart() {
        stop();
        PortInUseException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                launch(true);
                return;
            } catch (PortInUseException e) {
                last = e;
                sleep(Duration.ofMillis(500));
            }
        }
        throw new IllegalStateException("Payara Micro " + name + " could not bind port " + port + " again on restart", last);
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "PayaraMicro[" + name + ", " + baseUri() + ", " + payaraJar.getFileName() + " on " + javaHome
                + (isRunning() ? ", pid " + pid() : ", stopped") + "]";
    }

    // ------------------------------------------------------------------------------------------

    /** Settings of an instance; {@link #start()} launches it. */
    public static final class Builder {
        private final String name;
        private Path payaraJar;
        private Release release = Release.PAYARA_6;
        private Path javaHome;
        private Path war;
        private String contextRoot = DEFAULT_CONTEXT_ROOT;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private String readyPath = "ping";
        private Duration readyTimeout = DEFAULT_READY_TIMEOUT;
        private int fixedPort;

        private Builder(String name) {
            if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("Instance name must match [A-Za-z0-9._-]+: " + name);
            }
            this.name = name;
            systemProperties.put(INSTANCE_PROPERTY, name);
        }

        /** Payara 6 (default) or 7; the jar comes from {@link Release#jar()} unless {@link #payaraJar(Path)} is set. */
        public Builder release(Release release) {
            this.release = Objects.requireNonNull(release);
            return this;
        }

        /** An explicit Payara Micro jar (overrides {@link #release(Release)}'s jar). */
        public Builder payaraJar(Path jar) {
            this.payaraJar = jar;
            return this;
        }

        /**
         * The JDK to run on. Default: the test JVM's ({@link #currentJavaHome()}), or for a release
         * needing a newer Java {@link #jdk25Home()} if present.
         */
        public Builder javaHome(Path javaHome) {
            this.javaHome = javaHome;
            return this;
        }

        /** The WAR to deploy (default {@link #defaultWar()}). */
        public Builder war(Path war) {
            this.war = war;
            return this;
        }

        /** The context root without slashes (default {@value #DEFAULT_CONTEXT_ROOT}), or "/" for the root context. */
        public Builder contextRoot(String contextRoot) {
            String root = Objects.requireNonNull(contextRoot);
            if (!root.equals("/")) {
                root = root.replaceAll("^/+|/+$", "");
                if (root.isEmpty()) {
                    root = "/";
                }
            }
            this.contextRoot = root;
            return this;
        }

        /**
         * A system property of the server process ({@code -Dkey=value}). {@value #INSTANCE_PROPERTY}
         * defaults to the instance name.
         */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        public Builder systemProperties(Map<String, String> properties) {
            properties.forEach(this::systemProperty);
            return this;
        }

        /** An extra JVM argument placed before {@code -jar}, e.g. {@code -Xmx512m}. */
        public Builder jvmArg(String arg) {
            jvmArgs.add(Objects.requireNonNull(arg));
            return this;
        }

        /** An environment variable of the process (the inherited DYSESSION_* and AWS_* ones are removed). */
        public Builder environment(String key, String value) {
            environment.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
            return this;
        }

        /** Path under the context root polled for readiness until it answers 200 (default {@code ping}). */
        public Builder readyPath(String readyPath) {
            this.readyPath = Objects.requireNonNull(readyPath).replaceAll("^/+", "");
            return this;
        }

        /** How long to wait for readiness (default 120 s). */
        public Builder readyTimeout(Duration readyTimeout) {
            this.readyTimeout = Objects.requireNonNull(readyTimeout);
            return this;
        }

        /**
         * A fixed HTTP port (1-65535) instead of a free one; the start then fails, without retrying
         * elsewhere, if another process holds it.
         */
        public Builder port(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Port must be 1-65535: " + port);
            }
            this.fixedPort = port;
            return this;
        }

        /** Launches the process on a free port (or the {@link #port(int)}) of 127.0.0.1 and waits until it is ready. */
        public PayaraMicro start() {
            Path jar = requireFile((payaraJar == null ? release.jar() : payaraJar).toAbsolutePath().normalize(),
                    "Payara Micro jar");
            Path warFile = requireFile((war == null ? defaultWar() : war).toAbsolutePath().normalize(), "WAR");
            Path home = javaHome;
            if (home == null) {
                home = currentJavaHome();
                if (javaFeatureVersion(home) < release.minimumJava() && jdk25Home() != null) {
                    home = jdk25Home();
                }
            }
            home = home.toAbsolutePath().normalize();
            if (!Files.isExecutable(home.resolve("bin").resolve("java"))) {
                throw new IllegalStateException("No JDK at " + home + " (" + home.resolve("bin/java") + " missing)");
            }
            int javaVersion = javaFeatureVersion(home);
            if (payaraJar == null && javaVersion >= 0 && javaVersion < release.minimumJava()) {
                throw new IllegalStateException(release + " needs Java " + release.minimumJava() + "+, but "
                        + home + " is Java " + javaVersion);
            }
            int n = NAMES.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            String uniqueName = n == 1 ? name : name + "-" + n;

            PortInUseException last = null;
            for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
                PayaraMicro payara = new PayaraMicro(this, uniqueName, jar, home, warFile);
                payara.prepareRunDir();
                payara.port = fixedPort > 0 ? fixedPort : freePort();
                try {
                    payara.launch(attempt > 1);
                    return payara;
                } catch (PortInUseException e) {
                    if (fixedPort > 0) {
                        throw new IllegalStateException("Payara Micro " + uniqueName + " cannot listen on port "
                                + fixedPort + ": another process uses it", e);
                    }
                    last = e;
                }
            }
            throw new IllegalStateException("Payara Micro " + uniqueName + " could not bind a free port in "
                    + START_ATTEMPTS + " attempts", last);
        }
    }

    // ------------------------------------------------------------------------------------------

    private void prepareRunDir() {
        deleteRecursively(runDir);
        createDirectories(runDir);
        // The HTTP listener on loopback only; the HTTPS listener and the JMX connector are disabled
        // in Payara Micro's domain.xml, but bind them to loopback too in case something enables them.
        String prefix = "set configs.config.server-config.";
        String commands = prefix + "network-config.network-listeners.network-listener.http-listener.address=" + LOOPBACK + "\n"
                + prefix + "network-config.network-listeners.network-listener.https-listener.address=" + LOOPBACK + "\n"
                + prefix + "admin-service.jmx-connector.system.address=" + LOOPBACK + "\n";
        write(prebootFile, commands);
        // Payara Micro's own logging.properties, without ANSI colours.
        try (ZipFile zip = new ZipFile(payaraJar.toFile())) {
            ZipEntry entry = zip.getEntry("MICRO-INF/domain/logging.properties");
            if (entry != null) {
                try (InputStream in = zip.getInputStream(entry)) {
                    String properties = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)
                            .replace("ODLLogFormatter.ansiColor=true", "ODLLogFormatter.ansiColor=false");
                    Files.writeString(loggingProperties, properties, StandardCharsets.ISO_8859_1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + payaraJar, e);
        }
    }

    private synchronized void launch(boolean appendLog) {
        launches++;
        rootDir = runDir.resolve("root-" + launches);
        deleteRecursively(rootDir);
        List<String> command = new ArrayList<>();
        command.add(javaHome.resolve("bin").resolve("java").toString());
        command.addAll(jvmArgs);
        systemProperties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of(
                "-jar", payaraJar.toString(),
                "--deploy", war.toString(),
                "--contextroot", contextRoot,
                "--port", Integer.toString(port),
                "--nohazelcast",
                "--name", name,
                "--prebootcommandfile", prebootFile.toString(),
                "--rootdir", rootDir.toString()));
        if (Files.isRegularFile(loggingProperties)) {
            command.add("--logproperties");
            command.add(loggingProperties.toString());
        }
        long logOffset = appendLog ? logSize() : 0L;
        if (appendLog) {
            append("\n===== launch " + launches + " of " + name + " on port " + port + ": " + command + "\n");
        } else {
            write(logFile, "===== launch " + launches + " of " + name + " on port " + port + ": " + command + "\n");
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().keySet().removeIf(k -> {
            String upper = k.toUpperCase(Locale.ROOT);
            return upper.startsWith("DYSESSION_") || upper.startsWith("AWS_");
        });
        builder.environment().putAll(environment);
        long startNanos = System.nanoTime();
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
            startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
        } catch (RuntimeException | Error e) {
            destroyTree(p);
            waitFor(p, KILL_TIMEOUT);
            ended();
            throw e;
        }
    }

    /** Ready = the process is alive and the ready URL answers 200. */
    private void awaitReady(Process p, long logOffset) {
        URI readyUri = uri(readyPath);
        long deadline = System.nanoTime() + readyTimeout.toNanos();
        long readyLineSeen = 0;
        String lastAnswer = "no answer yet";
        while (true) {
            if (!p.isAlive()) {
                String log = readLog(logOffset);
                String message = "Payara Micro " + name + " exited with code " + exitValue(p) + " before " + readyUri
                        + " answered 200 (log " + logFile + "):\n" + tail(log);
                if (log.contains(BIND_EXCEPTION)) {
                    throw new PortInUseException(message);
                }
                throw new IllegalStateException(message);
            }
            try {
                HttpResponse<String> response = HTTP.send(
                        HttpRequest.newBuilder(readyUri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                lastAnswer = "HTTP " + response.statusCode() + ": " + abbreviate(response.body());
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Payara Micro " + name, e);
            }
            if (readyLineSeen == 0 && READY_LINE.matcher(readLog(logOffset)).find()) {
                readyLineSeen = System.nanoTime();
            }
            if (readyLineSeen != 0 && System.nanoTime() - readyLineSeen > AFTER_READY_LINE_GRACE.toNanos()) {
                throw new IllegalStateException("Payara Micro " + name + " (pid " + p.pid() + ") booted, but "
                        + readyUri + " still fails " + AFTER_READY_LINE_GRACE.toSeconds()
                        + " s later (the deployment failed?); last answer: " + lastAnswer + " (log " + logFile + "):\n"
                        + tail(readLog(logOffset)));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("Payara Micro " + name + " (pid " + p.pid() + ") not ready: " + readyUri
                        + " did not answer 200 within " + readyTimeout.toSeconds() + " s; last answer: " + lastAnswer
                        + " (log " + logFile + "):\n" + tail(readLog(logOffset)));
            }
            sleep(POLL_INTERVAL);
        }
    }

    /** After the process ended: forget it and delete the unpacked runtime (~100 MB) of its root dir. */
    private void ended() {
        process = null;
        LIVE.remove(this);
        Path dir = rootDir;
        if (dir != null) {
            deleteRecursively(dir.resolve("runtime"));
        }
    }

    private long logSize() {
        try {
            return Files.exists(logFile) ? Files.size(logFile) : 0L;
        } catch (IOException e) {
            return 0L;
        }
    }

    /** The log written since {@code offset} (at most its last MiB), without ANSI colour codes. */
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
            return ANSI.matcher(new String(bytes, StandardCharsets.UTF_8)).replaceAll("");
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private void append(String text) {
        try {
            Files.writeString(logFile, text, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + logFile, e);
        }
    }

    private static String tail(String log) {
        if (log.isEmpty()) {
            return "(empty log)";
        }
        return log.length() <= LOG_TAIL_CHARS ? log : "..." + log.substring(log.length() - LOG_TAIL_CHARS);
    }

    private static String abbreviate(String s) {
        String oneLine = s.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
    }

    private static String exitValue(Process p) {
        try {
            return Integer.toString(p.exitValue());
        } catch (IllegalThreadStateException e) {
            return "?";
        }
    }

    private static Path runsDir() {
        Path dir = Dynalite.baseDir().resolve("target").resolve("payara-runs");
        createDirectories(dir);
        return dir;
    }

    private static Path fileFromProperty(String property, Supplier<Path> fallback) {
        String value = System.getProperty(property);
        Path path = value != null && !value.isBlank() ? Paths.get(value) : fallback.get();
        return path.toAbsolutePath().normalize();
    }

    private static Path requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("The " + what + " " + file + " does not exist. Run the tests with"
                    + " `mvn verify -pl it` (it builds the WAR and copies the Payara Micro jars to target/payara/).");
        }
        return file;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on 127.0.0.1", e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + dir, e);
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
            throw new IllegalStateException("Interrupted while waiting for Payara Micro",
                    new InterruptedIOException(e.getMessage()));
        }
    }

    /** At JVM exit: SIGTERM to every process still running, then SIGKILL to the survivors after 10 s. */
    private static void endAll() {
        List<Process> processes = new ArrayList<>();
        for (PayaraMicro payara : LIVE) {
            Process p = payara.process; // no lock: a test thread may hold it while the JVM exits
            if (p != null && p.isAlive()) {
                processes.add(p);
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Process p : processes) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !waitFor(p, Duration.ofNanos(left))) {
                destroyTree(p);
            }
        }
    }

    /** Payara Micro exited with a BindException: another process took the port. */
    private static final class PortInUseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
