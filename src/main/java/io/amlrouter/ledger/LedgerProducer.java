package io.amlrouter.ledger;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;

/** Chooses the ledger store from {@code ledger.store}. */
public class LedgerProducer {

    private static final Logger LOG = Logger.getLogger(LedgerProducer.class);

    @Produces
    @Singleton
    OutcomeLedger ledger(LedgerConfig config, Instance<ReactiveRedisDataSource> redis) {
        String owner = config.owner().orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            return (host != null && !host.isBlank() ? host : "replica") + "-" + suffix;
        });
        if (config.store() == LedgerConfig.Store.REDIS) {
            // Only looked up here: with the in-memory store no Redis client is created or connected.
            LOG.infof("Outcome ledger: Redis (quarkus.redis.hosts), keys under %s, kept %s, this replica claims as %s",
                    config.redis().keyPrefix(), config.retention(), owner);
            return new RedisLedger(redis.get(), config.redis().keyPrefix(), config.maxEvents(), config.retention(),
                    Clock.systemUTC(), owner);
        }
        LOG.infof("Outcome ledger: in memory (at most %d events, kept %s); a restart forgets outcomes",
                config.maxEvents(), config.retention());
        return new InMemoryLedger(config.maxEvents(), config.retention(), Clock.systemUTC(), owner);
    }
}
