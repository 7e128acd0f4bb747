package io.amlrouter.rules.digest;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Digests of grouped {@code email}/{@code webhook} actions (docs/actions.md, "Digests"). */
@ConfigMapping(prefix = "digest")
public interface DigestConfig {

    /** How often each replica looks for groups whose digest is due. Defaults to 1s. */
    @WithDefault("1s")
    Duration pollInterval();

    /**
     * How long a replica holds a group while it sends its digest; a replica that dies meanwhile leaves the group to
     * another one once this lapses. Defaults to 2m.
     */
    @WithDefault("2m")
    Duration lease();

    /** When a digest could not be sent (a transient failure), how long until it is tried again. Defaults to 30s. */
    @WithDefault("30s")
    Duration retryAfter();

    /** Events one digest lists at most; the others are counted ({@code digest.more}). Defaults to 100. */
    @WithDefault("100")
    int maxListed();

    /** Groups one look sends at most (the others wait for the next look). Defaults to 50. */
    @WithDefault("50")
    int maxGroupsPerPoll();

    /**
     * With the in-memory ledger, how long a stopping replica may take to send every digest still waiting (they would
     * be lost otherwise). Defaults to 10s.
     */
    @WithDefault("10s")
    Duration shutdownFlushTimeout();
}
