package io.amlrouter.ledger;

import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.redis.client.RedisOptionsCustomizer;
import io.vertx.redis.client.RedisOptions;

/**
 * Sizes the Redis client's connection pool from the ingest in-flight limit, so that the events a replica
 * takes at once never find the pool's wait queue full (Vert.x' defaults, 6 connections and 24 waiting
 * commands, refused commands with "Connection pool reached max wait queue size" at about 30 events at
 * once, each a spurious 503). Every event in flight has at most {@link #COMMANDS_PER_EVENT} ledger commands
 * waiting at once (the claims of its actions are asked together), and a history page reads two hashes per
 * event. {@code quarkus.redis.max-pool-size} and {@code quarkus.redis.max-pool-waiting} still apply when
 * they are larger. docs/reliability.md, "Redis connection pool".
 */
@Singleton
public class RedisPoolSizing implements RedisOptionsCustomizer {

    private static final Logger LOG = Logger.getLogger(RedisPoolSizing.class);

    /** Ledger commands one event in flight may have waiting for a connection at once. */
    static final int COMMANDS_PER_EVENT = 4;
    /** Events in flight per pooled connection (connections: at least 6, at most 32). */
    static final int EVENTS_PER_CONNECTION = 64;

    /** The pool: connections, and commands that may wait for one. */
    public record Pool(int connections, int waiting) {
    }

    private final int maxInFlight;
    private final int historyMaxLimit;

    /**
     * @param maxInFlight the ingest's {@code ingest.max-in-flight} (IngestConfig#maxInFlight, same default), read
     *        by its key: the ledger stands below the ingest and does not import it
     */
    public RedisPoolSizing(@ConfigProperty(name = "ingest.max-in-flight", defaultValue = "1000") int maxInFlight,
            LedgerConfig ledger) {
        this.maxInFlight = maxInFlight;
        this.historyMaxLimit = ledger.history().maxLimit();
    }

    @Override
    public void customize(String clientName, RedisOptions options) {
        Pool pool = size(maxInFlight, historyMaxLimit, options.getMaxPoolSize(), options.getMaxPoolWaiting());
        options.setMaxPoolSize(pool.connections()).setMaxPoolWaiting(pool.waiting());
        LOG.infof("Redis client %s: %d pooled connections, up to %d commands waiting for one (sized from "
                + "ingest.max-in-flight %d)", clientName, pool.connections(), pool.waiting(), maxInFlight);
    }

    /** The pool for these limits; the configured values where larger. */
    static Pool size(int maxInFlight, int historyMaxLimit, int configuredConnections, int configuredWaiting) {
        int waiting = COMMANDS_PER_EVENT * maxInFlight + 2 * historyMaxLimit;
        int connections = Math.min(32, Math.max(6, (maxInFlight + EVENTS_PER_CONNECTION - 1) / EVENTS_PER_CONNECTION));
        return new Pool(Math.max(configuredConnections, connections), Math.max(configuredWaiting, waiting));
    }
}
