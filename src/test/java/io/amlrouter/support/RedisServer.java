package io.amlrouter.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * A {@code redis-server} process of the test's own, on a free loopback port. Never a Redis that happens
 * to run on the machine. The binary is the {@code redis-server} on the PATH when there is one (Debian's
 * package, which {@code .ci/run} installs), else the one shipped in the test dependency
 * {@code com.github.codemonstur:embedded-redis} (Redis 6.2), extracted once per JVM: {@code ./mvnw verify}
 * needs nothing but a JDK. The test talks to the server with the Vert.x Redis client ({@link #call}),
 * never through {@code redis-cli}.
 * <p>
 * Faults: {@link #stop()} (SIGTERM) and {@link #start()} again on the same port; {@link #kill()} (SIGKILL);
 * {@link #freeze()} / {@link #thaw()} (SIGSTOP / SIGCONT). Without persistence a restart starts empty; with
 * {@link #startWithAppendOnly()} the data set survives a stop or a kill, as with {@code appendonly yes} in
 * production.
 */
public final class RedisServer implements AutoCloseable {

    /** Where the binary came from, for the log line and for tests of this class. */
    public enum Source {
        PATH, SHIPPED
    }

    /** The binary and where it came from. */
    public record Binary(Path path, Source source) {
    }

    private static Binary shipped;

    private final int port;
    private final Binary binary;
    private final boolean appendOnly;
    private final Path dir;
    private final Path log;
    private Process process;
    private Vertx vertx;
    private Redis client;

    private RedisServer(int port, Binary binary, boolean appendOnly, Path dir) {
        this.port = port;
        this.binary = binary;
        this.appendOnly = appendOnly;
        this.dir = dir;
        this.log = dir.resolve("redis.log");
    }

    /** Starts a server without persistence on a free port. */
    public static RedisServer startNew() {
        return start(binary(), false);
    }

    /** Starts a server with {@code appendonly yes} on a free port: its data set survives a stop or a kill. */
    public static RedisServer startWithAppendOnly() {
        return start(binary(), true);
    }

    /** Starts the binary shipped in the Maven artifact, whether or not the PATH has one. */
    public static RedisServer startShipped(boolean appendOnly) {
        return start(shippedBinary(), appendOnly);
    }

    private static RedisServer start(Binary binary, boolean appendOnly) {
        try {
            RedisServer server = new RedisServer(freePort(), binary, appendOnly, Files.createTempDirectory("redis-"));
            System.out.printf("RedisServer: %s (%s) on port %d%s%n", binary.path(), binary.source(), server.port,
                    appendOnly ? ", appendonly yes" : "");
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code redis-server} the tests use: the PATH's, else the shipped one. */
    public static Binary binary() {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                if (entry.isEmpty()) {
                    continue;
                }
                Path candidate = Path.of(entry, "redis-server");
                // A regular executable file: a tool hidden by a bind mount of /dev/null is not one.
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return new Binary(candidate, Source.PATH);
                }
            }
        }
        return shippedBinary();
    }

    /** The binary of {@code com.github.codemonstur:embedded-redis} for this OS and CPU, extracted once. */
    public static synchronized Binary shippedBinary() {
        if (shipped != null) {
            return shipped;
        }
        String resource = shippedResource(System.getProperty("os.name"), System.getProperty("os.arch"));
        try (InputStream in = RedisServer.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path (Maven artifact "
                        + "com.github.codemonstur:embedded-redis, test scope)");
            }
            Path file = Files.createTempFile("redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
            file.toFile().deleteOnExit();
            shipped = new Binary(file, Source.SHIPPED);
            return shipped;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String shippedResource(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        boolean arm = osArch.equals("aarch64") || osArch.equals("arm64");
        boolean x64 = osArch.equals("amd64") || osArch.equals("x86_64");
        if (os.contains("linux") && x64) {
            return "redis-server-6.2.6-v5-linux-amd64";
        }
        if (os.contains("linux") && arm) {
            return "redis-server-6.2.7-linux-arm64";
        }
        if (os.contains("mac") && x64) {
            return "redis-server-6.2.6-v5-darwin-amd64";
        }
        if (os.contains("mac") && arm) {
            return "redis-server-6.2.6-v5-darwin-arm64";
        }
        throw new IllegalStateException("no redis-server on the PATH and none shipped for " + osName + "/" + osArch);
    }

    public int port() {
        return port;
    }

    public Binary binaryInUse() {
        return binary;
    }

    /** The URL for {@code quarkus.redis.hosts}. */
    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** The process id of the running server. */
    public synchronized long pid() {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        return process.pid();
    }

    /** Starts (again) on this server's port: an empty data set, or the append-only file's. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of(binary.path().toString(), "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--protected-mode", "no", "--daemonize", "no", "--dir", dir.toString(),
                "--save", ""));
        command.addAll(appendOnly ? List.of("--appendonly", "yes", "--appendfsync", "everysec")
                : List.of("--appendonly", "no"));
        process = launch(command);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            if (ping()) {
                return;
            }
            if (!process.isAlive()) {
                break;
            }
            sleep(50);
        }
        throw new IllegalStateException("redis-server did not start on port " + port + ": " + logText());
    }

    private Process launch(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        for (int attempt = 1;; attempt++) {
            try {
                return builder.start();
            } catch (IOException e) {
                // A binary extracted a moment ago can still be open for writing in a child another thread forked.
                if (attempt < 5 && String.valueOf(e.getMessage()).contains("busy")) {
                    sleep(100);
                    continue;
                }
                throw new IllegalStateException("cannot run " + binary.path(), e);
            }
        }
    }

    /** Stops the server (SIGTERM: with append-only, it writes its file out): connections are refused until {@link #start()}. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            awaitExit();
        }
    }

    /** Kills the server (SIGKILL), as a crash or an OOM kill would: connections are refused until {@link #start()}. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            awaitExit();
        }
    }

    /** Freezes the server (SIGSTOP): connections are accepted by the kernel, nothing is answered until {@link #thaw()}. */
    public synchronized void freeze() {
        signal("STOP");
    }

    /** Lets a frozen server go on (SIGCONT). */
    public synchronized void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        // The JDK sends only TERM and KILL; the shell's kill builtin sends the others (sh is on every machine).
        try {
            Process kill = new ProcessBuilder("sh", "-c", "kill -" + name + " " + pid()).redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void awaitExit() {
        try {
            if (process.isAlive()) {
                try {
                    signal("CONT"); // a frozen process acts on SIGTERM only once thawed
                } catch (IllegalStateException e) {
                    // it exited meanwhile
                }
            }
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public synchronized void close() {
        stop();
        if (vertx != null) {
            client.close();
            vertx.close();
            vertx = null;
        }
    }

    /**
     * Runs one Redis command against this server (Vert.x Redis client) and returns its reply, {@code null}
     * for a nil reply. Fails after 10 s.
     */
    public Response call(String command, String... args) {
        Request request = Request.cmd(Command.create(command));
        Arrays.stream(args).forEach(request::arg);
        try {
            return client().send(request).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(command + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException(command + " got no reply within 10s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A command whose reply is a string or an integer, as text; {@code null} for nil. */
    public String text(String command, String... args) {
        Response r = call(command, args);
        return r == null ? null : r.toString();
    }

    /** Every key matching the glob pattern (SCAN, so the server is never blocked). */
    public List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = "0";
        do {
            Response r = call("SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
            cursor = r.get(0).toString();
            r.get(1).forEach(k -> keys.add(k.toString()));
        } while (!cursor.equals("0"));
        return keys;
    }

    private synchronized Redis client() {
        if (vertx == null) {
            vertx = Vertx.vertx();
            client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url()).setMaxPoolSize(2)
                    .setMaxPoolWaiting(64));
        }
        return client;
    }

    private boolean ping() {
        // Readiness only: whether the port answers +PONG to an inline PING.
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[7];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A port free now on the loopback interface. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
