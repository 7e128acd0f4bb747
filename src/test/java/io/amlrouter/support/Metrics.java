package io.amlrouter.support;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /q/metrics} (Prometheus text format), read as series and values, so a test can
 * compare a counter before and after what it did (tests share one application, and its counters).
 */
public final class Metrics {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** A series: its name and labels. */
    public record Series(String name, Map<String, String> labels) {
    }

    private final Map<Series, Double> values = new LinkedHashMap<>();
    private final String text;

    private Metrics(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int exemplar = line.indexOf(" # {");
            if (exemplar >= 0) {
                // An exemplar (a sample taken within a trace: "# {trace_id=..} value timestamp") is not the value.
                line = line.substring(0, exemplar);
            }
            int space = line.lastIndexOf(' ');
            String series = line.substring(0, space);
            double value = Double.parseDouble(line.substring(space + 1));
            int brace = series.indexOf('{');
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0) {
                Matcher m = LABEL.matcher(series.substring(brace));
                while (m.find()) {
                    labels.put(m.group(1), m.group(2));
                }
            }
            values.put(new Series(brace < 0 ? series : series.substring(0, brace), labels), value);
        }
    }

    public static Metrics parse(String text) {
        return new Metrics(text);
    }

    /** The scrape as served. */
    public String text() {
        return text;
    }

    /**
     * The sum of the series of {@code name} whose labels include {@code labels} (pairs: name, value);
     * 0 when there is none (a counter not yet created counts as 0).
     */
    public double value(String name, String... labels) {
        double sum = 0;
        for (Map.Entry<Series, Double> e : values.entrySet()) {
            if (e.getKey().name().equals(name) && matches(e.getKey().labels(), labels)) {
                sum += e.getValue();
            }
        }
        return sum;
    }

    /** Whether a series of {@code name} with these labels is exposed. */
    public boolean has(String name, String... labels) {
        return values.keySet().stream().anyMatch(s -> s.name().equals(name) && matches(s.labels(), labels));
    }

    /** Every series of {@code name}. */
    public java.util.List<Series> series(String name) {
        return values.keySet().stream().filter(s -> s.name().equals(name)).toList();
    }

    private static boolean matches(Map<String, String> actual, String... wanted) {
        for (int i = 0; i + 1 < wanted.length; i += 2) {
            if (!wanted[i + 1].equals(actual.get(wanted[i]))) {
                return false;
            }
        }
        return true;
    }
}
