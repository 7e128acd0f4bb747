package io.amlrouter.ledger;

import java.net.URI;
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

    /**
     * Events remembered at most: the in-memory store drops the oldest beyond it; the Redis store caps its
     * index of recent events at it (each event's own keys still expire after the retention). Defaults to 100000.
     */
    @WithDefault("100000")
    int maxEvents();

    /**
     * How long a claim on an action holds without an outcome before another delivery may run it again
     * (covers a replica that died mid-action). Defaults to 2m.
     */
    @WithDefault("2m")
    Duration claimLease();

    /**
     * This replica's name in claims; must differ between replicas sharing a Redis ledger. Defaults to the
     * host name (the pod name on Kubernetes) followed by a random suffix drawn at each start, so a
     * restarted process never mistakes a claim of its previous life for its own.
     */
    Optional<String> owner();

    /** The Redis store ({@code ledger.store=redis}); the server itself is {@code quarkus.redis.hosts}. */
    Redis redis();

    /** The history API ({@code GET /events/recent}, {@code GET /events/{id}}). */
    History history();

    /** Where permanent failures are sent besides the log, the history and the metric. */
    DeadLetter deadLetter();

    interface Redis {
        /**
         * Prefix of every key the ledger writes (docs/reliability.md lists the layout); give routers that
         * share one Redis but must not share outcomes (staging and production) different prefixes.
         * Defaults to aer:.
         */
        @WithDefault("aer:")
        String keyPrefix();
    }

    interface History {
        /** Events {@code GET /events/recent} answers without a {@code limit}. Defaults to 20. */
        @WithDefault("20")
        int defaultLimit();

        /** The largest {@code limit} accepted by {@code GET /events/recent}. Defaults to 200. */
        @WithDefault("200")
        int maxLimit();

        /**
         * The most events one page of {@code GET /events} (the search) reads, matching or not; a page that stops there
         * says where to go on ({@code next}). Bounds a search of a large Redis history. Defaults to 5000.
         */
        @WithDefault("5000")
        int scanLimit();
    }

    interface DeadLetter {
        /**
         * An address that receives a plain-text mail for every dead letter (event id, rule, action, reason
         * and the raw event), through the SMTP server of the email actions. No default (no mail).
         */
        Optional<String> email();

        /**
         * A URL that receives every dead letter as a JSON POST (event id, rule, action, kind, reason and the
         * raw event). No default (no POST).
         */
        Optional<URI> webhookUrl();

        /** How long one dead-letter POST may take. Defaults to 10s. */
        @WithDefault("10s")
        Duration webhookTimeout();
    }

    enum Store {
        MEMORY,
        REDIS
    }
}
