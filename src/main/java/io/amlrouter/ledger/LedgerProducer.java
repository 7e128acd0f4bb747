package io.amlrouter.ledger;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.arc.InactiveBeanException;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;

/** Chooses the ledger store from {@code ledger.store}. */
public class LedgerProducer {

    private static final Logger LOG = Logger.getLogger(LedgerProducer.class);

    /**
     * Created at startup, not at the first delivery: a Redis store without a Redis server configured
     * stops the service with a clear message instead of failing every delivery.
     */
    @Produces
    @Singleton
    @Startup
    OutcomeLedger ledger(LedgerConfig config, Instance<ReactiveRedisDataSource> redis, LedgerStoreMonitor monitor) {
        String owner = config.owner().orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            String suffix = UUID.randomUUID().toString().substring(0, 6);
            return (host != null && !host.isBlank() ? host : "replica") + "-" + suffix;
        });
        if (config.store() == LedgerConfig.Store.REDIS) {
            // Only looked up here: with the in-memory store no Redis client is created or connected.
            RedisLedger ledger;
            try {
                ledger = new RedisLedger(redis.get(), config.redis().keyPrefix(), config.maxEvents(),
                        config.retention(), Clock.systemUTC(), owner);
            } catch (InactiveBeanException e) {
                throw new ConfigurationException("ledger.store=redis (LEDGER_STORE) needs a Redis server: set "
                        + "quarkus.redis.hosts (QUARKUS_REDIS_HOSTS), e.g. redis://aml-event-router-redis:6379", e);
            }
            LOG.infof("Outcome ledger: Redis (quarkus.redis.hosts), keys under %s, kept %s, this replica claims as %s",
                    config.redis().keyPrefix(), config.retention(), owner);
            // Outages observed; outcomes Redis cannot take now kept and written once it is back (within the lease).
            return new ResilientLedger(ledger, monitor, config.claimLease());
        }
        LOG.infof("Outcome ledger: in memory (at most %d events and %d MB, a quarter of the heap; kept %s); a restart "
                + "forgets outcomes", config.maxEvents(), Runtime.getRuntime().maxMemory() / 4 / (1024 * 1024),
                config.retention());
        return new InMemoryLedger(config.maxEvents(), config.retention(), Clock.systemUTC(), owner);
    }
}
