package io.amlrouter.ledger;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The outcome ledger: where action outcomes and the event history are kept. */
@ConfigMapping(prefix = "ledger")
public interface LedgerConfig {

    /** Where: {@code memory} (one replica, lost on restart) or {@code redis} (shared, durable). Defaults to memory. */
    @WithDefault("memory")
    Store store();

    /** How long outcomes are remembered; must exceed Event Grid's 24 h of retries. Defaults to 25h. */
    @WithDefault("25h")
    Duration retention();

    /** Events remembered at most by the in-memory store (oldest dropped first). Defaults to 100000. */
    @WithDefault("100000")
    int maxEvents();

    /**
     * How long a claim on an action holds without an outcome before another delivery may run it again
     * (covers a replica that died mid-action). Defaults to 2m.
     */
    @WithDefault("2m")
    Duration claimLease();

    /** This replica's name in claims. Defaults to the host name (the pod name on Kubernetes). */
    Optional<String> owner();

    enum Store {
        MEMORY,
        REDIS
    }
}
