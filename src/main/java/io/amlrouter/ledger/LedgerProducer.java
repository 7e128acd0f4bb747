package io.amlrouter.ledger;

import java.time.Clock;
import java.util.UUID;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Chooses the ledger store from {@code ledger.store}. */
public class LedgerProducer {

    private static final Logger LOG = Logger.getLogger(LedgerProducer.class);

    @Produces
    @Singleton
    OutcomeLedger ledger(LedgerConfig config) {
        String owner = config.owner().orElseGet(() -> {
            String host = System.getenv("HOSTNAME");
            return host != null && !host.isBlank() ? host : "replica-" + UUID.randomUUID().toString().substring(0, 8);
        });
        if (config.store() == LedgerConfig.Store.REDIS) {
            throw new ConfigurationException("ledger.store=redis is not available in this build");
        }
        LOG.infof("Outcome ledger: in memory (at most %d events, kept %s); a restart forgets outcomes",
                config.maxEvents(), config.retention());
        return new InMemoryLedger(config.maxEvents(), config.retention(), Clock.systemUTC(), owner);
    }
}
