import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * Constant-rate (open-loop) load generator of the ingest benchmark (bench/run.sh), standing in for wrk2, which
 * Debian does not package. Requests are scheduled at fixed intended times (start + i / rate) whatever the server
 * does; each latency is measured from the request's intended send time to the end of its response, so a server
 * that stalls is charged for every request that should have gone out meanwhile (no coordinated omission).
 * Latencies go into an HdrHistogram (1 us .. 60 s, 3 significant digits).
 *
 *   java -cp <vertx-core, netty, HdrHistogram jars>:<classes> OpenLoop URL RATE WARMUP_S DURATION_S CONNECTIONS BODIES_FILE RUN_TAG
 *
 * URL: http://127.0.0.1:PORT/path?query. BODIES_FILE as for bench/load/wrk-events.lua: one template per line, ids as
 * "@ID@-k", used in rotation with "@ID@" replaced by a unique RUN_TAG-i. First a warm-up of WARMUP_S seconds, not
 * recorded, whose rate ramps up to RATE (a cold JVM on either side only slows the ramp); then, once its requests are
 * answered, DURATION_S seconds at the constant RATE, recorded. Requests beyond the connection pool wait in the
 * client's queue (their wait counts). If more than 2 s worth of requests are outstanding the run stops as SATURATED.
 * Prints one line: OPENLOOP rate=... sent=... ok=... errors=... p50_us=... p99_us=... p999_us=... max_us=... saturated=...
 */
public final class OpenLoop {

    public static void main(String[] args) throws Exception {
        String url = args[0];
        double rate = Double.parseDouble(args[1]);
        double warmupS = Double.parseDouble(args[2]);
        double durationS = Double.parseDouble(args[3]);
        int connections = Integer.parseInt(args[4]);
        List<String[]> templates = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[5]), StandardCharsets.UTF_8)) {
            if (!line.isEmpty()) {
                templates.add(line.split("@ID@", -1));
            }
        }
        String tag = args[6];
        java.net.URI uri = java.net.URI.create(url);
        String pathAndQuery = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());

        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setPipelining(false)
                .setTcpNoDelay(true), new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
        Context context = vertx.getOrCreateContext();

        long intervalNs = Math.round(1e9 / rate);
        long total = (long) Math.floor(durationS * rate);
        long maxOutstanding = Math.max(1000, (long) (rate * 2));
        Histogram measured = new Histogram(1, TimeUnit.SECONDS.toMicros(60), 3);
        AtomicLong ok = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        AtomicLong completed = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(1);
        String[] firstError = new String[1];
        AtomicLong sequence = new AtomicLong();

        // Warm-up (not recorded): the rate ramps from 10 % to 100 % over the first 60 % of the warm-up, then stays;
        // requests that would exceed 1,000 outstanding are skipped, so a cold client or server only slows the ramp.
        long warmStart = System.nanoTime();
        long warmEnd = warmStart + (long) (warmupS * 1e9);
        double sentWarm = 0;
        long warmSent = 0;
        long last = warmStart;
        while (true) {
            long now = System.nanoTime();
            if (now >= warmEnd) {
                break;
            }
            double progress = Math.min(1.0, 0.1 + (now - warmStart) / (0.6 * (warmEnd - warmStart)));
            sentWarm += rate * progress * (now - last) / 1e9;
            last = now;
            int batch = (int) Math.floor(sentWarm) - (int) warmSent;
            if (batch > 0 && outstanding.get() < 1000) {
                warmSent += batch;
                outstanding.addAndGet(batch);
                int b = batch;
                context.runOnContext(v -> {
                    for (int i = 0; i < b; i++) {
                        send(client, url, pathAndQuery, templates, sequence.get(), tag + "-w" + sequence.incrementAndGet(), ar -> outstanding.decrementAndGet());
                    }
                });
            } else if (batch > 0) {
                warmSent += batch; // skipped
            }
            LockSupport.parkNanos(200_000);
        }
        // Let the warm-up's requests finish (at most 10 s), so they do not queue ahead of the measured ones.
        for (int i = 0; i < 1000 && outstanding.get() > 0; i++) {
            Thread.sleep(10);
        }

        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        long next = 0;
        boolean saturated = false;
        while (next < total) {
            long now = System.nanoTime();
            long due = Math.min(total, Math.max(0, now - start) / intervalNs + 1);
            if (now >= start && due > next) {
                long from = next;
                long to = due;
                next = due;
                if (outstanding.addAndGet(to - from) > maxOutstanding) {
                    saturated = true;
                    break;
                }
                context.runOnContext(v -> {
                    for (long i = from; i < to; i++) {
                        long intended = start + i * intervalNs;
                        send(client, url, pathAndQuery, templates, i, tag + "-" + i, ar -> {
                            long latencyUs = Math.max(1, (System.nanoTime() - intended) / 1000);
                            if (ar.succeeded() && ar.result() == 200) {
                                ok.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                                if (firstError[0] == null) {
                                    firstError[0] = ar.succeeded() ? "HTTP " + ar.result() : String.valueOf(ar.cause());
                                }
                            }
                            measured.recordValue(Math.min(latencyUs, measured.getHighestTrackableValue()));
                            outstanding.decrementAndGet();
                            if (completed.incrementAndGet() == total) {
                                finished.countDown();
                            }
                        });
                    }
                });
            }
            long wait = start + next * intervalNs - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(1)));
            }
        }
        boolean drained = saturated || finished.await(30, TimeUnit.SECONDS);
        // Read the histogram on the event loop that writes it.
        CountDownLatch read = new CountDownLatch(1);
        long[] stats = new long[6];
        context.runOnContext(v -> {
            stats[0] = measured.getTotalCount();
            stats[1] = measured.getValueAtPercentile(50);
            stats[2] = measured.getValueAtPercentile(99);
            stats[3] = measured.getValueAtPercentile(99.9);
            stats[4] = measured.getMaxValue();
            stats[5] = measured.getValueAtPercentile(90);
            read.countDown();
        });
        read.await(10, TimeUnit.SECONDS);
        System.out.printf("OPENLOOP rate=%.1f sent=%d ok=%d errors=%d recorded=%d p50_us=%d p90_us=%d p99_us=%d p999_us=%d max_us=%d saturated=%s drained=%s%s%n",
                rate, next, ok.get(), errors.get(), stats[0], stats[1], stats[5], stats[2], stats[3], stats[4],
                saturated, drained, firstError[0] == null ? "" : " first_error=\"" + firstError[0].replace('"', '\'') + "\"");
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        System.exit(saturated || !drained ? 3 : 0);
    }

    private static RequestOptions options;
    private static List<byte[][]> encoded;

    /** Sends one request with the next body (ids made unique by {@code id}) and reports its status code. */
    private static void send(HttpClient client, String url, String pathAndQuery, List<String[]> templates, long index,
            String id, io.vertx.core.Handler<io.vertx.core.AsyncResult<Integer>> done) {
        if (options == null) { // once, on the event loop: the same options and encoded templates for every request
            options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url).setURI(pathAndQuery)
                    .putHeader("Content-Type", "application/json").putHeader("X-Event-Key", "bench-key");
            encoded = new ArrayList<>();
            for (String[] t : templates) {
                byte[][] parts = new byte[t.length][];
                for (int i = 0; i < t.length; i++) {
                    parts[i] = t[i].getBytes(StandardCharsets.UTF_8);
                }
                encoded.add(parts);
            }
        }
        byte[][] parts = encoded.get((int) (index % encoded.size()));
        byte[] idBytes = id.getBytes(StandardCharsets.US_ASCII);
        int length = idBytes.length * (parts.length - 1);
        for (byte[] part : parts) {
            length += part.length;
        }
        Buffer body = Buffer.buffer(length);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                body.appendBytes(idBytes);
            }
            body.appendBytes(parts[i]);
        }
        client.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(done);
    }
}
