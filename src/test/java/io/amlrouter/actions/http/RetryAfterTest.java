package io.amlrouter.actions.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    static HttpReply reply(Map<String, List<String>> headers) {
        return new HttpReply(429, headers, "");
    }

    @Test
    void readsSecondsDatesAndAzuresMillisecondHeaders() {
        assertThat(RetryAfter.of(reply(Map.of("Retry-After", List.of("7"))))).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.of(reply(Map.of("retry-after", List.of(" 2 "))))).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.of(reply(Map.of("x-ms-retry-after-ms", List.of("1500"), "Retry-After", List.of("9")))))
                .contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.of(reply(Map.of("retry-after-ms", List.of("250"))))).contains(Duration.ofMillis(250));
        String inTenSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(10));
        assertThat(RetryAfter.of(reply(Map.of("Retry-After", List.of(inTenSeconds)))).orElseThrow())
                .isBetween(Duration.ofSeconds(8), Duration.ofSeconds(10));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:00 GMT")).contains(Duration.ZERO);
    }

    @Test
    void ignoresWhatItCannotRead() {
        assertThat(RetryAfter.of(reply(Map.of()))).isEmpty();
        assertThat(RetryAfter.of(reply(Map.of("Retry-After", List.of("soon"))))).isEqualTo(Optional.empty());
        assertThat(RetryAfter.of(reply(Map.of("Retry-After", List.of("-3"))))).isEmpty();
    }
}
