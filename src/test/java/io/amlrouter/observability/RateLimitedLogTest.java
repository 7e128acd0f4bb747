package io.amlrouter.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

/** The rate-limited log on a clock the test moves: what is written, what is counted, and the summaries. */
class RateLimitedLogTest {

    /** A logger that keeps its lines ("LEVEL message"). */
    static final class Captured extends Logger {
        final List<String> lines = new ArrayList<>();
        Level enabled = Level.INFO;

        Captured() {
            super("captured");
        }

        @Override
        public boolean isEnabled(Level level) {
            return level.ordinal() <= enabled.ordinal();
        }

        @Override
        protected void doLog(Level level, String loggerClassName, Object message, Object[] parameters, Throwable thrown) {
            lines.add(level + " " + message);
        }

        @Override
        protected void doLogf(Level level, String loggerClassName, String format, Object[] parameters, Throwable thrown) {
            lines.add(level + " " + String.format(format, parameters));
        }
    }

    final Captured logger = new Captured();
    final AtomicLong now = new AtomicLong(1_000);
    final RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(60), 3, now::get);

    void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aThousandRepeatsAreOneLineAndOneSummary() {
        for (int i = 0; i < 1000; i++) {
            log.log(Logger.Level.WARN, "Overloaded", "Overloaded: delivery " + i);
        }
        assertThat(logger.lines).containsExactly("WARN Overloaded: delivery 0");
        log.flush();
        assertThat(logger.lines).as("the interval is not over yet").hasSize(1);
        advance(Duration.ofSeconds(60));
        log.flush();
        assertThat(logger.lines).containsExactly("WARN Overloaded: delivery 0",
                "WARN Overloaded: 999 more in the last 60s (one line per 60s for each kind)");
    }

    @Test
    void aFloodThatGoesOnIsSummarisedOncePerInterval() {
        for (int minute = 0; minute < 3; minute++) {
            for (int i = 0; i < 10; i++) {
                log.log(Logger.Level.INFO, "401 from sub-a", "401 from sub-a");
                advance(Duration.ofSeconds(5));
            }
            advance(Duration.ofSeconds(10));
            log.flush();
        }
        assertThat(logger.lines).containsExactly("INFO 401 from sub-a",
                "INFO 401 from sub-a: 9 more in the last 60s (one line per 60s for each kind)",
                "INFO 401 from sub-a: 10 more in the last 60s (one line per 60s for each kind)",
                "INFO 401 from sub-a: 10 more in the last 60s (one line per 60s for each kind)");
        advance(Duration.ofSeconds(60));
        log.flush();
        log.log(Logger.Level.INFO, "401 from sub-a", "401 from sub-a, later");
        assertThat(logger.lines).as("a quiet interval forgets the kind: its next line is written in full")
                .endsWith("INFO 401 from sub-a, later").hasSize(5);
    }

    @Test
    void aLineAfterTheIntervalWithoutAFlushWritesTheSummaryFirst() {
        log.log(Logger.Level.INFO, "k", "first");
        log.log(Logger.Level.INFO, "k", "second");
        advance(Duration.ofSeconds(61));
        log.log(Logger.Level.INFO, "k", "third");
        assertThat(logger.lines).containsExactly("INFO first",
                "INFO k: 1 more in the last 60s (one line per 60s for each kind)", "INFO third");
    }

    @Test
    void kindsAreCountedApartAndTheirNumberIsBounded() {
        for (String kind : List.of("a", "b", "c", "d", "e", "a", "d")) {
            log.log(Logger.Level.INFO, kind, "line " + kind);
        }
        assertThat(logger.lines).containsExactly("INFO line a", "INFO line b", "INFO line c",
                "INFO " + RateLimitedLog.OTHER + ": line d");
        assertThat(log.openKinds()).isEqualTo(4);
        log.flushAll();
        assertThat(logger.lines).as("flushAll writes what is counted without waiting for the interval")
                .contains("INFO line a", "INFO a: 1 more in the last 60s (one line per 60s for each kind)",
                        "INFO " + RateLimitedLog.OTHER + ": 2 more in the last 60s (one line per 60s for each kind)");
    }

    @Test
    void aDisabledLevelIsNeitherWrittenNorCounted() {
        logger.enabled = Logger.Level.WARN;
        log.log(Logger.Level.INFO, "k", "quiet");
        assertThat(logger.lines).isEmpty();
        assertThat(log.openKinds()).isZero();
    }
}
