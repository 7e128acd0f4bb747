import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads the JFR recording of one server of bench/run.sh and prints, for the measured closed-loop runs of that server
 * only (the time windows run.sh wrote into results.tsv; the other servers run in between, this one idles then):
 *
 * <ul>
 * <li>{@code alloc SERVER N BYTES_PER_EVENT BYTES EVENTS SAMPLES}: bytes allocated per event at N events per request,
 * the sum of the weights of {@code jdk.ObjectAllocationSample} (each sample's weight is the bytes its thread allocated
 * since the previous sample, so their sum estimates all allocation, every thread) divided by the events the server
 * answered in those windows (wrk's requests x N);</li>
 * <li>{@code handoff SERVER LOOP_SAMPLES CHANNEL CONTEXT OURS OTHER}: of the event loops' {@code jdk.ExecutionSample}s
 * in those windows, how many are spent in the channel hand-off (SmallRye Reactive Messaging) or in context propagation
 * (SmallRye Context Propagation, Mutiny's context interceptors, MicroProfile Context Propagation), attributed to the
 * first frame from the top of the stack that is either the service's own code ({@code io.amlrouter.}) or one of those
 * frameworks: time the framework spends itself and in what it calls that is not ours (the Vert.x context switch, MDC
 * and request-context copies) counts as the framework's, time in our code called through it does not.</li>
 * </ul>
 * and writes the event loops' 25 hottest leaf frames and our own methods by inclusive share into TOPFILE.
 *
 *   java JfrSummary results.tsv SERVER recording.jfr TOPFILE
 */
public final class JfrSummary {

    static final List<String> CHANNEL = List.of("io.smallrye.reactive.messaging.", "io.quarkus.smallrye.reactivemessaging.");
    static final List<String> CONTEXT = List.of("io.smallrye.context.", "io.smallrye.mutiny.context.",
            "org.eclipse.microprofile.context.", "io.quarkus.smallrye.context.");
    static final String OURS = "io.amlrouter.";

    record Window(int n, long from, long to, long events) {
    }

    public static void main(String[] args) throws IOException {
        String server = args[1];
        List<Window> windows = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of(args[0]))) {
            String[] f = line.split("\t");
            if (f.length >= 8 && f[0].equals("closed") && f[1].equals(server)) {
                long requests = Long.parseLong(value(f[5], "requests"));
                int n = Integer.parseInt(f[2]);
                windows.add(new Window(n, Long.parseLong(f[6]), Long.parseLong(f[7]), requests * n));
            }
        }
        Map<Integer, double[]> alloc = new TreeMap<>(); // n -> [bytes, samples]
        long loop = 0;
        long channel = 0;
        long context = 0;
        long ours = 0;
        Map<String, Integer> leaves = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        try (RecordingFile recording = new RecordingFile(Path.of(args[2]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                String type = e.getEventType().getName();
                boolean allocation = type.equals("jdk.ObjectAllocationSample");
                if (!allocation && !type.equals("jdk.ExecutionSample")) {
                    continue;
                }
                Window w = windowOf(windows, e.getStartTime());
                if (w == null) {
                    continue;
                }
                if (allocation) {
                    double[] a = alloc.computeIfAbsent(w.n, k -> new double[2]);
                    a[0] += e.getLong("weight");
                    a[1]++;
                    continue;
                }
                RecordedThread thread = e.getThread("sampledThread");
                String name = thread == null ? null : thread.getJavaName();
                if (name == null || !name.startsWith("vert.x-eventloop-thread")) {
                    continue;
                }
                loop++;
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                List<RecordedFrame> frames = stack.getFrames();
                leaves.merge(frame(frames.get(0)), 1, Integer::sum);
                String owner = null;
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (RecordedFrame f : frames) {
                    String cls = f.getMethod().getType().getName();
                    if (owner == null) {
                        if (cls.startsWith(OURS)) {
                            owner = "ours";
                        } else if (startsWithAny(cls, CHANNEL)) {
                            owner = "channel";
                        } else if (startsWithAny(cls, CONTEXT)) {
                            owner = "context";
                        }
                    }
                    if (cls.startsWith(OURS)) {
                        String m = frame(f);
                        if (seen.add(m)) {
                            inclusive.merge(m, 1, Integer::sum);
                        }
                    }
                }
                if ("channel".equals(owner)) {
                    channel++;
                } else if ("context".equals(owner)) {
                    context++;
                } else if ("ours".equals(owner)) {
                    ours++;
                }
            }
        }
        Map<Integer, long[]> events = new TreeMap<>();
        for (Window w : windows) {
            events.computeIfAbsent(w.n, k -> new long[1])[0] += w.events;
        }
        PrintStream out = System.out;
        for (Map.Entry<Integer, long[]> e : events.entrySet()) {
            double[] a = alloc.getOrDefault(e.getKey(), new double[2]);
            long ev = e.getValue()[0];
            out.printf(Locale.ROOT, "alloc\t%s\t%d\t%.0f\t%.0f\t%d\t%.0f%n", server, e.getKey(), ev == 0 ? 0 : a[0] / ev,
                    a[0], ev, a[1]);
        }
        out.printf(Locale.ROOT, "handoff\t%s\t%d\t%d\t%d\t%d\t%d%n", server, loop, channel, context, ours,
                loop - channel - context - ours);
        StringBuilder top = new StringBuilder();
        top.append(server).append(": ").append(loop).append(" event-loop samples in the measured windows\n\nhottest leaf frames (self):\n");
        top(leaves, loop, 25, top);
        top.append("\nour methods, inclusive:\n");
        top(inclusive, loop, 40, top);
        Files.writeString(Path.of(args[3]), top);
    }

    static void top(Map<String, Integer> counts, long total, int limit, StringBuilder out) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort((a, b) -> b.getValue() - a.getValue());
        Map<String, Integer> shown = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(limit, sorted.size()))) {
            shown.put(e.getKey(), e.getValue());
        }
        shown.forEach((k, v) -> out.append(String.format(Locale.ROOT, "  %5.1f %%  %6d  %s%n", 100.0 * v / Math.max(1, total), v, k)));
    }

    static Window windowOf(List<Window> windows, Instant t) {
        long ms = t.toEpochMilli();
        for (Window w : windows) {
            if (ms >= w.from && ms <= w.to) {
                return w;
            }
        }
        return null;
    }

    static boolean startsWithAny(String cls, List<String> prefixes) {
        for (String p : prefixes) {
            if (cls.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    static String frame(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    static String value(String line, String key) {
        for (String part : line.split(" ")) {
            if (part.startsWith(key + "=")) {
                return part.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("no " + key + " in " + line);
    }
}
