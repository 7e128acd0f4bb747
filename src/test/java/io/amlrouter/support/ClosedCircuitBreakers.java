package io.amlrouter.support;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;

/**
 * Every {@code @QuarkusTest} method starts with the outbound circuit breakers closed and their rolling windows empty
 * (actions.http.Outbound names one per target): a breaker a previous test opened, or calls it counted, do not decide
 * the next test's calls, so tests share one WireMock origin. Registered in
 * {@code META-INF/services/io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback}.
 */
public class ClosedCircuitBreakers implements QuarkusTestBeforeEachCallback {

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        CircuitBreakerMaintenance.get().resetAll();
    }
}
