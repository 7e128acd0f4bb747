package io.amlrouter.observability;

import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.LogRecord;

import org.jboss.logmanager.ExtLogRecord;

import io.quarkus.logging.LoggingFilter;

/**
 * Makes every log record one line: control characters in the message (CR, LF, tab, the other C0 and C1
 * controls, U+2028 and U+2029) and in the MDC values are written as escapes ({@code \r}, {@code \n},
 * {@code \t}, {@code \u001b}), so an event id or any other value from a request cannot start a forged line
 * in a text log. Registered on the log handlers in application.yml
 * ({@code quarkus.log.console.filter=control-characters}, the file and syslog handlers too); it never drops
 * a record. The JSON format already escapes them, and then shows the same escapes.
 */
@LoggingFilter(name = "control-characters")
public final class ControlCharacterFilter implements Filter {

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record instanceof ExtLogRecord ext) {
            String formatted = ext.getFormattedMessage();
            String escaped = escape(formatted);
            if (escaped != formatted) {
                ext.setMessage(escaped, ExtLogRecord.FormatStyle.NO_FORMAT);
                ext.setParameters(null);
            }
            for (Map.Entry<String, String> e : ext.getMdcCopy().entrySet()) {
                String value = escape(e.getValue());
                if (value != e.getValue()) {
                    ext.putMdc(e.getKey(), value);
                }
            }
        } else if (record.getParameters() == null || record.getParameters().length == 0) {
            record.setMessage(escape(record.getMessage()));
        }
        return true;
    }

    /** The text with its control characters escaped; the same instance when it has none. */
    public static String escape(String text) {
        if (text == null) {
            return null;
        }
        int first = 0;
        while (first < text.length() && !isControl(text.charAt(first))) {
            first++;
        }
        if (first == text.length()) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
        for (int i = first; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (isControl(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean isControl(char c) {
        return Character.isISOControl(c) || c == '\u2028' || c == '\u2029';
    }
}
