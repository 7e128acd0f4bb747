package io.amlrouter.fuzz;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.EventDecodingException;

/**
 * The behaviour each fuzzing finding was fixed to, pinned with exact expectations (the corpus replay only proves that
 * nothing throws). One test per finding; docs/security.md lists them.
 */
class FuzzFindingsTest {

    @Test
    void aNumberBigDecimalCannotHoldIsADefect() {
        byte[] body = "[{\"id\":\"1\",\"eventType\":\"T\",\"data\":{\"k\":1e99999999999}}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FuzzFixtures.DECODER.decode(body, BodyFormat.JSON))
                .isInstanceOf(EventDecodingException.class)
                .hasMessageStartingWith("body: not valid JSON: a number cannot be read");
    }
}
