package io.amlrouter.rules.schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a subject filter can match a subject format such as {@code experiments/{experimentId}/runs/{runId}}: each
 * {@code {x}} is one or more characters other than '/'. A prefix is possible when a subject of that format can begin
 * with it (the regular expression of the format, run on the prefix, matches or runs out of input: {@code hitEnd}); a
 * suffix is the same check on the reversed format and suffix.
 */
final class SubjectFormat {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{[^}]*}");
    private static final String SEGMENT = "[^/]+";

    private SubjectFormat() {
    }

    static boolean canBegin(String format, String prefix, boolean caseSensitive) {
        return possible(regex(tokens(format)), prefix, caseSensitive);
    }

    /** Whether {@code subject} is a whole subject of this format. */
    static boolean matches(String format, String subject, boolean caseSensitive) {
        return Pattern.compile(regex(tokens(format)), caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                .matcher(subject).matches();
    }

    static boolean canEnd(String format, String suffix, boolean caseSensitive) {
        List<String> reversed = new ArrayList<>();
        for (String token : tokens(format)) {
            reversed.add(token.equals(SEGMENT) ? token : new StringBuilder(token).reverse().toString());
        }
        Collections.reverse(reversed);
        return possible(regex(reversed), new StringBuilder(suffix).reverse().toString(), caseSensitive);
    }

    private static boolean possible(String regex, String start, boolean caseSensitive) {
        Pattern pattern = Pattern.compile(regex, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        Matcher m = pattern.matcher(start);
        return m.matches() || m.hitEnd();
    }

    /** Literal runs and {@link #SEGMENT} for each placeholder, in order. */
    private static List<String> tokens(String format) {
        List<String> out = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(format);
        int at = 0;
        while (m.find()) {
            if (m.start() > at) {
                out.add(format.substring(at, m.start()));
            }
            out.add(SEGMENT);
            at = m.end();
        }
        if (at < format.length()) {
            out.add(format.substring(at));
        }
        return out;
    }

    private static String regex(List<String> tokens) {
        StringBuilder out = new StringBuilder();
        for (String token : tokens) {
            out.append(token.equals(SEGMENT) ? SEGMENT : Pattern.quote(token));
        }
        return out.toString();
    }
}
