package io.amlrouter.actions.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class HttpReplyTest {

    @Test
    void redactingReplacesTheSecretAndTheCredentialAfterItsScheme() {
        HttpReply reply = new HttpReply(401, Map.of(), "bad header Bearer s3cr3t-value; token s3cr3t-value unknown");
        assertThat(reply.redacting(List.of("Bearer s3cr3t-value")).body())
                .isEqualTo("bad header [REDACTED]; token [REDACTED] unknown");
    }

    @Test
    void aBodyWithoutSecretsIsKeptAsItIs() {
        HttpReply reply = new HttpReply(500, Map.of(), "down");
        assertThat(reply.redacting(List.of("Bearer x1", ""))).isSameAs(reply);
    }
}
