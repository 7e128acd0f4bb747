package io.amlrouter.actions.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads how long a server asks us to wait: {@code retry-after-ms} and {@code x-ms-retry-after-ms}
 * (Azure, milliseconds) first, then {@code Retry-After} as seconds or as an HTTP date.
 */
public final class RetryAfter {

    private RetryAfter() {
    }

    public static Optional<Duration> of(HttpReply reply) {
        for (String name : new String[] { "retry-after-ms", "x-ms-retry-after-ms" }) {
            Optional<Duration> ms = reply.header(name).flatMap(v -> number(v).map(Duration::ofMillis));
            if (ms.isPresent()) {
                return ms;
            }
        }
        return reply.header("Retry-After").flatMap(RetryAfter::parse);
    }

    static Optional<Duration> parse(String value) {
        String v = value.strip();
        Optional<Long> seconds = number(v);
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofSeconds(seconds.get()));
        }
        try {
            Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(Instant.now(), at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> number(String v) {
        try {
            long n = Long.parseLong(v.strip());
            return n < 0 ? Optional.empty() : Optional.of(n);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
