package io.amlrouter.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.amlrouter.ingest.EventPublisher;
import io.amlrouter.ingest.IngestState;

/** Ready while the webhook accepts deliveries; reports the events in flight. */
@Readiness
@ApplicationScoped
public class IngestReadiness implements HealthCheck {

    private final IngestState state;
    private final EventPublisher publisher;

    public IngestReadiness(IngestState state, EventPublisher publisher) {
        this.state = state;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("ingest").status(state.accepting())
                .withData("accepting", state.accepting())
                .withData("eventsInFlight", publisher.inFlight())
                .build();
    }
}
