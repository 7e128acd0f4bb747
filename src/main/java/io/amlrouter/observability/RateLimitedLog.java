package io.amlrouter.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jboss.logging.Logger;

/**
 * A log for lines that can repeat thousands of times a second (a refused delivery under a flood, a
 * wrong key at every retry): per kind, the first line of an interval is written in full, and the
 * repeats are only counted; when the interval has passed ({@link #flush()}, called by a timer, or the
 * next line of that kind) one summary line says how many there were:
 *
 * <pre>
 * Overloaded: refusing a delivery of 4500 event(s) before reading it (1000 event(s) in flight)
 * Overloaded: 1999 more in the last 60s (one line per 60s for each kind)
 * </pre>
 *
 * A flood therefore writes at most two lines per kind per interval. The kinds are bounded too: beyond
 * {@code maxKinds} distinct kinds at once (a kind may carry a header a caller chooses), the rest are
 * counted under one kind, {@link #OTHER}. The clock is given, so the behaviour is testable without
 * waiting.
 */
public final class RateLimitedLog {

    /** The kind lines fall under once {@code maxKinds} kinds are open. */
    public static final String OTHER = "Other refusals (too many distinct kinds to log each)";

    private final Logger log;
    private final long intervalNanos;
    private final String intervalText;
    private final int maxKinds;
    private final LongSupplier nanoClock;
    private final Map<String, Window> windows = new LinkedHashMap<>();

    /** A kind's current interval: when it began, the level of its lines, and the lines not written since. */
    private static final class Window {
        final long start;
        final Logger.Level level;
        long suppressed;

        Window(long start, Logger.Level level) {
            this.start = start;
            this.level = level;
        }
    }

    /** A line to write, decided under the lock and written outside it. */
    private record Line(Logger.Level level, String text) {
    }

    public RateLimitedLog(Logger log, Duration interval, int maxKinds, LongSupplier nanoClock) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive: " + interval);
        }
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.intervalText = interval.toSeconds() > 0 && interval.toMillis() % 1000 == 0 ? interval.toSeconds() + "s"
                : interval.toMillis() + "ms";
        this.maxKinds = maxKinds;
        this.nanoClock = nanoClock;
    }

    /**
     * Writes {@code message} at {@code level} if it is the first line of {@code kind} in the current
     * interval, else counts it. {@code kind} names the repeated situation in the summary line, so it
     * should read as a sentence start ("Refused a delivery from subscription X: the key is not valid").
     */
    public void log(Logger.Level level, String kind, String message) {
        if (!log.isEnabled(level)) {
            return;
        }
        List<Line> lines = new ArrayList<>(2);
        synchronized (this) {
            long now = nanoClock.getAsLong();
            boolean counted = windows.containsKey(kind) || windows.size() < maxKinds;
            String k = counted ? kind : OTHER;
            Window w = windows.get(k);
            if (w != null && now - w.start < intervalNanos) {
                w.suppressed++;
                return;
            }
            if (w != null && w.suppressed > 0) {
                lines.add(summary(k, w));
            }
            windows.put(k, new Window(now, level));
            lines.add(new Line(level, counted ? message : OTHER + ": " + message));
        }
        write(lines);
    }

    /**
     * Ends the intervals that are over: one summary line for each kind that had repeats (its next
     * interval begins now, so a flood that goes on is summarised once per interval); kinds without
     * repeats are forgotten, and their next line is written in full.
     */
    public void flush() {
        flush(false);
    }

    /** Writes the summary of every kind with repeats, whether or not its interval is over (at shutdown). */
    public void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        List<Line> lines = new ArrayList<>();
        synchronized (this) {
            long now = nanoClock.getAsLong();
            for (Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator(); it.hasNext();) {
                Map.Entry<String, Window> e = it.next();
                Window w = e.getValue();
                if (!all && now - w.start < intervalNanos) {
                    continue;
                }
                if (w.suppressed > 0) {
                    lines.add(summary(e.getKey(), w));
                    e.setValue(new Window(now, w.level));
                } else {
                    it.remove();
                }
            }
        }
        write(lines);
    }

    /** Kinds with an open interval (for tests and the bound). */
    synchronized int openKinds() {
        return windows.size();
    }

    private Line summary(String kind, Window w) {
        return new Line(w.level, kind + ": " + w.suppressed + " more in the last " + intervalText
                + " (one line per " + intervalText + " for each kind)");
    }

    private void write(List<Line> lines) {
        for (Line line : lines) {
            log.log(line.level(), line.text());
        }
    }
}
