package io.amlrouter.guard;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Action guards: silences (rate limits have no setting of their own; they live in the rules file). */
@ConfigMapping(prefix = "guard")
public interface GuardConfig {

    /** Silences of the admin API ({@code POST /silences}). */
    Silences silences();

    interface Silences {
        /**
         * How long a replica reuses the list of API silences it read from the ledger store before reading it again.
         * A silence created or expired through another replica takes effect here at most this much later (on the
         * replica that took the request, at once). At most 2s. Defaults to 1s.
         */
        @WithDefault("1s")
        Duration cache();

        /** API silences the store holds at most (pending, active and recently ended); one more is refused. Defaults to 1000. */
        @WithDefault("1000")
        int maxStored();
    }
}
