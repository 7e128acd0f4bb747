package io.amlrouter.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** A reason given as a way to write it is written once, when first read, and stored like any other. */
class RuleVerdictTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aReasonIsWrittenOnceWhenFirstReadAndStoredAsText() throws Exception {
        AtomicInteger written = new AtomicInteger();
        RuleVerdict lazy = RuleVerdict.mismatchWrittenWhenRead("r", "subjectEndsWith", () -> {
            written.incrementAndGet();
            return "subject \"a\" does not end with \"b\"";
        });
        assertThat(written).hasValue(0);
        assertThat(lazy.reasonLength()).isEqualTo(RuleVerdict.UNWRITTEN_REASON_CHARS);

        String json = JSON.writeValueAsString(lazy);

        assertThat(json).isEqualTo("{\"rule\":\"r\",\"matched\":false,\"filter\":\"subjectEndsWith\","
                + "\"reason\":\"subject \\\"a\\\" does not end with \\\"b\\\"\"}");
        assertThat(lazy.reason()).isEqualTo("subject \"a\" does not end with \"b\"");
        assertThat(written).hasValue(1);
        RuleVerdict read = JSON.readValue(json, RuleVerdict.class);
        assertThat(read).isEqualTo(lazy).hasSameHashCodeAs(lazy);
        assertThat(read.reasonLength()).isEqualTo(lazy.reason().length());
    }

    @Test
    void aMatchIsWrittenWithoutFilterOrReason() throws Exception {
        assertThat(JSON.writeValueAsString(RuleVerdict.match("r"))).isEqualTo("{\"rule\":\"r\",\"matched\":true}");
        assertThat(JSON.readValue("{\"rule\":\"r\",\"matched\":true}", RuleVerdict.class)).isEqualTo(RuleVerdict.match("r"));
        assertThat(RuleVerdict.match("r").reasonLength()).isZero();
    }
}
