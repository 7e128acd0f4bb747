import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summarises a run of bench/run.sh: reads its results.tsv and prints the table of figures for both servers with
 * the ratios service/baseline (medians over the repetitions, with the spread min-max) and PASS/MISS per target.
 *
 *   java Report results.tsv machine.txt
 */
public final class Report {

    // Targets (docs/performance.md, "Ingest benchmark"; reference perf-reliability section 6).
    static final double MIN_RATIO_1 = 0.70;
    static final double MIN_RATIO_100 = 0.35;
    static final double MAX_ADDED_P99_MS = 2.0;
    static final double MAX_STARTUP_MS = 2000;
    static final double MAX_RSS_MB = 200;
    // Issue 14, point 6: the ingest path after the pipeline redesign against the commit before it, in one run.
    static final double MIN_AFTER_BEFORE_1 = 2.0;
    static final double MIN_AFTER_BEFORE_100 = 1.5;
    static final double MAX_HANDOFF_PCT = 10.0;
    static final double GOAL_PARSE_RATIO = 0.70;

    record Closed(String server, int n, double rps, long errors, long p50, long p99, long p999, double cpuUsPerRequest) {
    }

    record Open(String server, String kind, double rate, long ok, long errors, long p50, long p90, long p99, long p999, long max,
            boolean saturated) {
    }

    public static void main(String[] args) throws Exception {
        List<Closed> closed = new ArrayList<>();
        List<Open> open = new ArrayList<>();
        Map<String, List<double[]>> startups = new LinkedHashMap<>(); // server/mode -> [ms, rssKb]
        Map<String, long[]> memory = new HashMap<>();
        Map<String, String> load = new LinkedHashMap<>();
        Map<String, String[]> gc = new LinkedHashMap<>();
        Map<String, Map<Integer, double[]>> alloc = new LinkedHashMap<>(); // server -> n -> [bytes/event, events, samples]
        Map<String, long[]> handoff = new LinkedHashMap<>(); // server -> [loop, channel, context, ours, other]
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split("\t");
            switch (f[0]) {
                case "closed" -> {
                    Map<String, String> kv = kv(f[5]);
                    double secs = Long.parseLong(kv.get("duration_us")) / 1e6;
                    long errors = 0;
                    for (String k : List.of("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")) {
                        errors += Long.parseLong(kv.get(k));
                    }
                    long requests = Long.parseLong(kv.get("requests"));
                    // CPU time of the server during the run (older results have none: NaN)
                    double cpuUs = f.length > 9 && requests > 0
                            ? Long.parseLong(f[8]) * 1e6 / Long.parseLong(f[9]) / requests : Double.NaN;
                    closed.add(new Closed(f[1], Integer.parseInt(f[2]), requests / secs, errors,
                            Long.parseLong(kv.get("p50_us")), Long.parseLong(kv.get("p99_us")), Long.parseLong(kv.get("p999_us")),
                            cpuUs));
                }
                case "open" -> {
                    Map<String, String> kv = kv(f[5]);
                    open.add(new Open(f[1], f[2], Double.parseDouble(kv.get("rate")), Long.parseLong(kv.get("ok")),
                            Long.parseLong(kv.get("errors")), Long.parseLong(kv.get("p50_us")), Long.parseLong(kv.get("p90_us")),
                            Long.parseLong(kv.get("p99_us")), Long.parseLong(kv.get("p999_us")), Long.parseLong(kv.get("max_us")),
                            Boolean.parseBoolean(kv.get("saturated"))));
                }
                case "startup" -> startups.computeIfAbsent(f[1] + "/" + f[2], k -> new ArrayList<>())
                        .add(new double[] {Double.parseDouble(f[4]), Double.parseDouble(f[5])});
                case "memory" -> memory.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                case "load" -> load.put(f[1], f[2] + " " + f[3] + " " + f[4]);
                case "gc" -> gc.put(f[1], f);
                case "alloc" -> alloc.computeIfAbsent(f[1], k -> new TreeMap<>()).put(Integer.parseInt(f[2]),
                        new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[5]), Double.parseDouble(f[6])});
                case "handoff" -> handoff.put(f[1], new long[] {Long.parseLong(f[2]), Long.parseLong(f[3]),
                        Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6])});
                default -> {
                }
            }
        }
        List<String> servers = new ArrayList<>();
        closed.forEach(c -> {
            if (!servers.contains(c.server)) {
                servers.add(c.server);
            }
        });
        List<String> others = servers.stream().filter(x -> !x.equals("baseline")).toList();
        List<String> services = others.stream().filter(x -> !x.equals("parse")).toList();
        StringBuilder out = new StringBuilder();
        out.append("\n== Ingest benchmark: the service against a bare Vert.x server, same run ==\n");
        out.append("   service: 20 rules, 1-2 match each event, webhook actions to a local sink (the answer waits for them)\n");
        out.append("   ingest:  the same service and rules, no rule matching (key check, parse, dedupe, rules, ledger, 200)\n");
        out.append("   parse:   the parse-only baseline (Jackson tree of the body, each event's id/type/subject/data, a small JSON answer)\n");
        out.append("   *-before: the same variants on the build of BENCH_APP_BEFORE, interleaved in the same run\n");
        for (String m : Files.readAllLines(Path.of(args[1]))) {
            out.append("   ").append(m).append('\n');
        }
        out.append("   load average (1/5/15 min): ");
        load.forEach((k, v) -> out.append(k).append(' ').append(v).append("; "));
        out.append("\n\nThroughput, closed loop (wrk -t1), requests/s, median of runs [min-max]; ratio = median / baseline median:\n");
        Map<String, Map<Integer, Double>> ratios = new HashMap<>();
        for (int n : new int[] {1, 10, 100}) {
            List<Double> b = rps(closed, "baseline", n);
            if (b.isEmpty()) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "  %3d event(s)/request  %-14s %-30s%n", n, "baseline", spread(b, 0)));
            for (String server : others) {
                List<Double> s = rps(closed, server, n);
                if (s.isEmpty()) {
                    continue;
                }
                double ratio = median(s) / median(b);
                ratios.computeIfAbsent(server, k -> new TreeMap<>()).put(n, ratio);
                out.append(String.format(Locale.ROOT, "  %3d event(s)/request  %-14s %-30s ratio %.3f   events/s %s%n", n,
                        server, spread(s, 0), ratio, spread(s.stream().map(x -> x * n).toList(), 0)));
            }
        }
        if (servers.contains("parse")) {
            out.append(String.format(Locale.ROOT, "%nAgainst the parse-only baseline (long-term goal of issue 14: %.2fx at the ingest path), "
                    + "ratio = median / parse median:%n", GOAL_PARSE_RATIO));
            for (int n : new int[] {1, 10, 100}) {
                List<Double> p = rps(closed, "parse", n);
                if (p.isEmpty()) {
                    continue;
                }
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "  %3d event(s)/request  parse %,.0f/s (%.3fx baseline):", n,
                        median(p), ratios.getOrDefault("parse", Map.of()).getOrDefault(n, Double.NaN)));
                for (String server : services) {
                    List<Double> s = rps(closed, server, n);
                    if (!s.isEmpty()) {
                        row.append(String.format(Locale.ROOT, "  %s %.3fx", server, median(s) / median(p)));
                    }
                }
                out.append(row).append('\n');
            }
        }
        List<String> befores = services.stream().filter(x -> x.endsWith("-before")).toList();
        List<String[]> abTargets = new ArrayList<>();
        if (!befores.isEmpty()) {
            out.append("\nAfter / before (same run, same CPU; ratio of median requests/s, which at a fixed payload size is also "
                    + "the ratio of events/s):\n");
            for (String before : befores) {
                String after = before.substring(0, before.length() - "-before".length());
                for (int n : new int[] {1, 10, 100}) {
                    List<Double> a = rps(closed, after, n);
                    List<Double> b = rps(closed, before, n);
                    if (a.isEmpty() || b.isEmpty()) {
                        continue;
                    }
                    double r = median(a) / median(b);
                    out.append(String.format(Locale.ROOT, "  %-8s %3d event(s)/request  after %,10.0f/s  before %,10.0f/s  after/before %.2fx"
                            + "  (events/s %,.0f vs %,.0f)%n", after, n, median(a), median(b), r, median(a) * n, median(b) * n));
                    if (after.equals("ingest") && n == 1) {
                        abTargets.add(new String[] {"ingest path: requests/s at 1 event/request >= " + MIN_AFTER_BEFORE_1 + "x before",
                                String.valueOf(r), String.valueOf(MIN_AFTER_BEFORE_1)});
                    }
                    if (after.equals("ingest") && n == 100) {
                        abTargets.add(new String[] {"ingest path: events/s at 100 events/request >= " + MIN_AFTER_BEFORE_100 + "x before",
                                String.valueOf(r), String.valueOf(MIN_AFTER_BEFORE_100)});
                    }
                }
            }
        }
        cpuPerEvent(out, closed, servers, befores);
        if (!alloc.isEmpty() || !handoff.isEmpty()) {
            out.append("\nJFR of the measured runs (bench/load/JfrSummary.java): bytes allocated per event = sum of "
                    + "jdk.ObjectAllocationSample weights (all threads) / events answered in the server's measured windows:\n");
            alloc.forEach((server, byN) -> {
                StringBuilder row = new StringBuilder(String.format("  %-14s", server));
                byN.forEach((n, v) -> row.append(String.format(Locale.ROOT, "  %3d/request: %,7.0f B/event (%,.0f events, %.0f samples)",
                        n, v[0], v[1], v[2])));
                out.append(row).append('\n');
            });
            for (String before : alloc.keySet().stream().filter(x -> x.endsWith("-before")).toList()) {
                String after = before.substring(0, before.length() - "-before".length());
                Map<Integer, double[]> a = alloc.get(after);
                if (a == null) {
                    continue;
                }
                StringBuilder row = new StringBuilder(String.format("  %-14s", after + " after/before"));
                alloc.get(before).forEach((n, v) -> {
                    if (a.containsKey(n) && v[0] > 0) {
                        row.append(String.format(Locale.ROOT, "  %3d/request: %.2fx", n, a.get(n)[0] / v[0]));
                    }
                });
                out.append(row).append('\n');
            }
            out.append("  Event loops' samples: channel hand-off (SmallRye Reactive Messaging) and context propagation "
                    + "(SmallRye Context Propagation), by the first of our or those frameworks' frames from the top of the stack:\n");
            handoff.forEach((server, v) -> {
                double total = Math.max(1, v[0]);
                out.append(String.format(Locale.ROOT, "  %-14s %6d samples: channel %.1f %%, context propagation %.1f %%, together "
                        + "%.1f %%; our code %.1f %%; the rest (netty, Vert.x, RESTEasy, JDK) %.1f %%%n", server, v[0],
                        100 * v[1] / total, 100 * v[2] / total, 100 * (v[1] + v[2]) / total, 100 * v[3] / total,
                        100 * v[4] / total));
            });
        }
        out.append("\nLatency under that closed loop (wrk; not corrected for coordinated omission), median of runs, ms:\n");
        for (int n : new int[] {1, 10, 100}) {
            for (String server : servers) {
                List<Closed> cs = closed.stream().filter(c -> c.server.equals(server) && c.n == n).toList();
                if (!cs.isEmpty()) {
                    out.append(String.format(Locale.ROOT, "  %3d event(s) %-14s p50 %8.2f  p99 %8.2f  p99.9 %8.2f%n", n, server,
                            ms(median(cs.stream().map(c -> (double) c.p50).toList())),
                            ms(median(cs.stream().map(c -> (double) c.p99).toList())),
                            ms(median(cs.stream().map(c -> (double) c.p999).toList()))));
                }
            }
        }
        Map<String, Double> added = new HashMap<>();
        Map<String, Boolean> saturated = new HashMap<>();
        for (String kind : List.of("half", "low")) {
            List<Open> ofKind = open.stream().filter(o -> o.kind.equals(kind)).toList();
            if (ofKind.isEmpty()) {
                continue;
            }
            double rate = ofKind.get(0).rate;
            out.append(String.format(Locale.ROOT, "%nLatency at a constant %.0f requests/s, 1 event per request (%s; open loop, "
                    + "from the intended send time, HdrHistogram), median of runs [min-max], ms:%n", rate,
                    kind.equals("half") ? "half the baseline's maximum" : "a rate every server sustains, for information"));
            Map<String, Double> p99s = new HashMap<>();
            for (String server : servers) {
                List<Open> os = ofKind.stream().filter(o -> o.server.equals(server)).toList();
                if (os.isEmpty()) {
                    continue;
                }
                boolean sat = os.stream().anyMatch(o -> o.saturated);
                if (kind.equals("half")) {
                    saturated.put(server, sat);
                }
                long errors = os.stream().mapToLong(o -> o.errors).sum();
                if (sat) {
                    out.append(String.format("  %-8s SATURATED: could not keep the rate (more than 2 s of requests outstanding)%n",
                            server));
                    continue;
                }
                p99s.put(server, median(os.stream().map(o -> (double) o.p99).toList()));
                out.append(String.format(Locale.ROOT, "  %-8s p50 %-20s p90 %-20s p99 %-20s p99.9 %-20s max %.2f  non-200 %d%n",
                        server, spreadMs(os.stream().map(o -> (double) o.p50).toList()),
                        spreadMs(os.stream().map(o -> (double) o.p90).toList()),
                        spreadMs(os.stream().map(o -> (double) o.p99).toList()),
                        spreadMs(os.stream().map(o -> (double) o.p999).toList()),
                        ms(os.stream().mapToLong(o -> o.max).max().orElse(0)), errors));
            }
            for (String server : others) {
                if (p99s.containsKey("baseline") && p99s.containsKey(server)) {
                    double a = ms(p99s.get(server) - p99s.get("baseline"));
                    if (kind.equals("half")) {
                        added.put(server, a);
                    }
                    out.append(String.format(Locale.ROOT, "  added p99, %s - baseline: %.2f ms%n", server, a));
                }
            }
        }
        out.append("\nStartup (process start -> first 200 on POST /events) and RSS right after it, median [min-max]:\n");
        startups.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %-20s %-26s RSS %s MB (%d start(s))%n", k,
                spread(v.stream().map(x -> x[0]).toList(), 0) + " ms",
                spread(v.stream().map(x -> x[1] / 1024).toList(), 0), v.size())));
        for (String server : servers) {
            long[] v = memory.get(server);
            if (v != null) {
                out.append(String.format(Locale.ROOT, "  %-20s after the load: RSS %d MB, peak RSS (VmHWM) %d MB%n",
                        server + "/pinned", v[1] / 1024, v[0] / 1024));
            }
        }

        if (!gc.isEmpty()) {
            out.append("\nGC pauses during the whole load phase (-Xlog:gc; the JVM picks the serial collector on 1 CPU):\n");
            gc.forEach((k, f) -> out.append(String.format(Locale.ROOT,
                    "  %-8s young: %s pauses, %s ms in all; full: %s pauses, %s ms in all; longest pause %s ms%n", k, f[2], f[3],
                    f[4], f[5], f[6])));
        }

        out.append("\nTargets (2 cores, JVM):\n");
        for (String[] t : abTargets) {
            double min = Double.parseDouble(t[2]);
            target(out, t[0], Double.parseDouble(t[1]), x -> x >= min, "%.2fx");
        }
        for (String server : handoff.keySet()) {
            long[] v = handoff.get(server);
            if (!server.endsWith("-before")) {
                target(out, server + ": JFR share of channel hand-off + context propagation <= " + MAX_HANDOFF_PCT + " %",
                        100.0 * (v[1] + v[2]) / Math.max(1, v[0]), x -> x <= MAX_HANDOFF_PCT, "%.1f %%");
            }
        }
        for (String server : services) {
            Map<Integer, Double> r = ratios.getOrDefault(server, Map.of());
            target(out, server + ": throughput at 1 event/request >= " + MIN_RATIO_1 + "x baseline", r.get(1),
                    x -> x >= MIN_RATIO_1, "%.3fx");
            target(out, server + ": throughput at 100 events/request >= " + MIN_RATIO_100 + "x baseline", r.get(100),
                    x -> x >= MIN_RATIO_100, "%.3fx");
            if (Boolean.TRUE.equals(saturated.get(server))) {
                out.append(String.format("  %-66s %-12s %s%n", server + ": added p99 <= 2 ms at half the baseline's maximum",
                        "saturated", "MISS"));
            } else {
                target(out, server + ": added p99 <= 2 ms at half the baseline's maximum", added.get(server),
                        a -> a <= MAX_ADDED_P99_MS, "%.2f ms");
            }
        }
        // Judged twice: the plain jar, and as the JVM image starts it (with the AppCDS archive of its training step).
        for (String mode : List.of("2cpu", "2cpu-appcds")) {
            List<double[]> svc = startups.get("service/" + mode);
            if (svc == null && mode.endsWith("appcds")) {
                continue;
            }
            String how = mode.endsWith("appcds") ? "image: jar + AppCDS" : "plain jar";
            target(out, "service (" + how + "): startup to first 200 <= 2.0 s (2 CPUs)",
                    svc == null ? null : median(svc.stream().map(x -> x[0]).toList()), v -> v <= MAX_STARTUP_MS, "%.0f ms");
            target(out, "service (" + how + "): RSS after the first request <= 200 MB (-Xmx128m)",
                    svc == null ? null : median(svc.stream().map(x -> x[1] / 1024).toList()), v -> v <= MAX_RSS_MB, "%.0f MB");
        }
        long errors = closed.stream().mapToLong(c -> c.errors).sum()
                + open.stream().filter(o -> !o.saturated).mapToLong(o -> o.errors).sum();
        out.append(errors == 0 ? "  every measured request was answered 200\n"
                : "  WARNING: " + errors + " measured request(s) were not answered 200 (see wrk.log and the server logs)\n");
        System.out.print(out);
    }

    /**
     * CPU time per event: the server's CPU time during each measured run (utime + stime) over the events it answered.
     * On a machine shared with other work a server's requests/s fall with what else runs, its CPU time per event much
     * less, so this is the figure to compare when the throughput figures spread.
     */
    static void cpuPerEvent(StringBuilder out, List<Closed> closed, List<String> servers, List<String> befores) {
        if (closed.stream().allMatch(c -> Double.isNaN(c.cpuUsPerRequest))) {
            return;
        }
        out.append("\nCPU time per event (the server's utime + stime during each measured run / events answered), median of "
                + "runs [min-max], us; ratio = parse's / this (the parse-only baseline's share of the work):\n");
        for (int n : new int[] {1, 10, 100}) {
            Double parse = cpu(closed, "parse", n).isEmpty() ? null : median(cpu(closed, "parse", n));
            for (String server : servers) {
                List<Double> c = cpu(closed, server, n);
                if (c.isEmpty()) {
                    continue;
                }
                out.append(String.format(Locale.ROOT, "  %3d event(s)/request  %-14s %-24s", n, server, spread(c, 1)));
                if (parse != null && !server.equals("baseline") && !server.equals("parse")) {
                    out.append(String.format(Locale.ROOT, "  ratio %.3f", parse / median(c)));
                }
                out.append('\n');
            }
        }
        if (!befores.isEmpty()) {
            out.append("  after/before, events per CPU-second (= before's CPU time per event / after's):\n");
            for (String before : befores) {
                String after = before.substring(0, before.length() - "-before".length());
                for (int n : new int[] {1, 10, 100}) {
                    List<Double> a = cpu(closed, after, n);
                    List<Double> b = cpu(closed, before, n);
                    if (!a.isEmpty() && !b.isEmpty()) {
                        out.append(String.format(Locale.ROOT, "  %-8s %3d event(s)/request  %.2fx  (%.1f us vs %.1f us per event)%n",
                                after, n, median(b) / median(a), median(a), median(b)));
                    }
                }
            }
        }
    }

    /** CPU time per event of each measured run of {@code server} at {@code n} events per request, in microseconds. */
    static List<Double> cpu(List<Closed> closed, String server, int n) {
        return closed.stream().filter(c -> c.server.equals(server) && c.n == n && !Double.isNaN(c.cpuUsPerRequest))
                .map(c -> c.cpuUsPerRequest / n).toList();
    }

    static List<Double> rps(List<Closed> closed, String server, int n) {
        return closed.stream().filter(c -> c.server.equals(server) && c.n == n).map(c -> c.rps).toList();
    }

    interface Check {
        boolean ok(double v);
    }

    static void target(StringBuilder out, String what, Double value, Check check, String format) {
        out.append(String.format("  %-66s %-12s %s%n", what, value == null ? "-" : String.format(Locale.ROOT, format, value),
                value == null ? "NOT MEASURED" : check.ok(value) ? "PASS" : "MISS"));
    }

    static Map<String, String> kv(String line) {
        Map<String, String> kv = new HashMap<>();
        for (String part : line.split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static String spread(List<Double> xs, int decimals) {
        double min = xs.stream().mapToDouble(d -> d).min().orElse(0);
        double max = xs.stream().mapToDouble(d -> d).max().orElse(0);
        String f = "%,." + decimals + "f";
        return xs.size() == 1 ? String.format(Locale.ROOT, f, xs.get(0))
                : String.format(Locale.ROOT, f + " [" + f + "-" + f + "]", median(xs), min, max);
    }

    static String spreadMs(List<Double> us) {
        return spread(us.stream().map(Report::ms).toList(), 2);
    }

    static double ms(double us) {
        return us / 1000.0;
    }
}
