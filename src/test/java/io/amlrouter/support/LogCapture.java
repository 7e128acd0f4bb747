package io.amlrouter.support;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The lines an in-process logger writes, each with its formatted message, its thread and its MDC as the
 * handler saw it when the line was written (so on the thread, and Vert.x context, that wrote it).
 * Attach before the work, detach after ({@link #close}).
 */
public final class LogCapture extends Handler implements AutoCloseable {

    /** One line written. */
    public record Line(String message, String thread, Map<String, String> mdc) {
    }

    private final Logger logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        this.logger = logger;
    }

    /** Captures what the logger of {@code type} (and the loggers under it) writes. */
    public static LogCapture of(Class<?> type) {
        LogCapture capture = new LogCapture(Logger.getLogger(type.getName()));
        capture.logger.addHandler(capture);
        return capture;
    }

    @Override
    public void publish(LogRecord record) {
        ExtLogRecord ext = ExtLogRecord.wrap(record);
        lines.add(new Line(ext.getFormattedMessage(), Thread.currentThread().getName(), Map.copyOf(ext.getMdcCopy())));
    }

    /** The lines whose message contains {@code text}. */
    public List<Line> mentioning(String text) {
        return lines.stream().filter(l -> l.message() != null && l.message().contains(text)).toList();
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
