package io.amlrouter.observability;

import org.jboss.logging.Logger;

/**
 * Writes a multi-line text (a mail written to the log instead of being sent) as one INFO record per line. Every
 * record is one line ({@link ControlCharacterFilter} escapes line breaks inside a record), so a text logged in one
 * record would read as a single line of {@code \n} escapes; one record per line keeps it readable, and each line
 * still starts with the log's own prefix, so nothing in the text can pass for a line of the service's.
 */
public final class TextLog {

    private TextLog() {
    }

    public static void info(Logger log, String text) {
        for (String line : text.split("\r?\n", -1)) {
            log.info(line);
        }
    }
}
