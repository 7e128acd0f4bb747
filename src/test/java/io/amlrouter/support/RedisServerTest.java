package io.amlrouter.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The tests' Redis from the Maven artifact, whatever the PATH holds (so CI, which installs
 * {@code redis-server}, runs this path too): it starts on a free port, answers through the Java client,
 * keeps its data over a stop and a SIGKILL with append-only on, loses it without, and freezes and thaws.
 */
class RedisServerTest {

    @Test
    void theShippedBinaryServesAndSurvivesAStopAndAKillWithAppendOnly() {
        try (RedisServer redis = RedisServer.startShipped(true)) {
            assertThat(redis.binaryInUse().source()).isEqualTo(RedisServer.Source.SHIPPED);
            assertThat(redis.text("INFO", "server")).contains("redis_version:6.2");
            assertThat(redis.text("SET", "k", "v1")).isEqualTo("OK");

            redis.stop();
            redis.start();
            assertThat(redis.text("GET", "k")).isEqualTo("v1");

            redis.text("SET", "k", "v2");
            redis.kill();
            redis.start();
            assertThat(redis.text("GET", "k")).as("an acknowledged write is in the AOF before a SIGKILL").isEqualTo("v2");
            assertThat(redis.keys("*")).containsExactly("k");
        }
    }

    @Test
    void withoutAppendOnlyARestartStartsEmpty() {
        try (RedisServer redis = RedisServer.startShipped(false)) {
            redis.text("SET", "k", "v");
            redis.kill();
            assertThatThrownBy(() -> redis.text("GET", "k")).isInstanceOf(IllegalStateException.class);
            redis.start();
            assertThat(redis.text("GET", "k")).isNull();
        }
    }

    @Test
    void aFrozenServerAnswersOnlyOnceThawed() throws Exception {
        try (RedisServer redis = RedisServer.startShipped(false)) {
            redis.text("SET", "k", "v");
            redis.freeze();
            CompletableFuture<String> reply = CompletableFuture.supplyAsync(() -> redis.text("GET", "k"));
            assertThat(reply).as("no answer while frozen").failsWithin(Duration.ofMillis(500))
                    .withThrowableOfType(java.util.concurrent.TimeoutException.class);
            redis.thaw();
            assertThat(reply.get(5, TimeUnit.SECONDS)).isEqualTo("v");
        }
    }

    @Test
    void theShippedBinaryIsChosenByOsAndCpu() {
        assertThat(RedisServer.shippedResource("Linux", "amd64")).isEqualTo("redis-server-6.2.6-v5-linux-amd64");
        assertThat(RedisServer.shippedResource("Linux", "aarch64")).isEqualTo("redis-server-6.2.7-linux-arm64");
        assertThat(RedisServer.shippedResource("Mac OS X", "aarch64")).isEqualTo("redis-server-6.2.6-v5-darwin-arm64");
        assertThatThrownBy(() -> RedisServer.shippedResource("Windows 11", "amd64"))
                .hasMessageContaining("no redis-server on the PATH");
    }
}
