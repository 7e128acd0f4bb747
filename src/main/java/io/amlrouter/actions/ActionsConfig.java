package io.amlrouter.actions;

import java.time.Duration;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How actions reach their targets over HTTP (ARM, Data Factory, pipeline endpoints, webhooks), how
 * deployments are watched, and the secrets webhooks send.
 */
@ConfigMapping(prefix = "actions")
public interface ActionsConfig {

    /**
     * Values of the secrets named by webhook {@code secretHeaders}, by name:
     * {@code actions.secrets.teams-webhook}, in the environment {@code ACTIONS_SECRETS_TEAMS_WEBHOOK}
     * (from a Kubernetes Secret). Read when a request is sent; never logged or shown. No default.
     */
    Map<String, String> secrets();

    /** Outbound HTTP: timeouts, retries, circuit breakers. */
    Http http();

    /** Watching online deployments after they were accepted. */
    Deployment deployment();

    interface Http {
        /**
         * How long one attempt may take, from connecting to the end of the answer, before it counts as
         * a timeout (retried). An attempt that began inside the retry budget may end after it. Defaults
         * to 15s.
         */
        @WithDefault("15s")
        Duration timeout();

        /** How long connecting may take. Defaults to 5s. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Retries of one call. */
        Retry retry();

        /** Circuit breakers: one for ARM, one per webhook or pipeline-endpoint origin. */
        CircuitBreaker circuitBreaker();
    }

    interface Retry {
        /**
         * The time one call may spend on retries: no retry starts after it, and a {@code Retry-After}
         * that would end after it stops retrying at once. Then the action fails transiently and Event
         * Grid redelivers later. Keep it below {@code ingest.deadline} so such a failure is answered 503
         * before the deadline. Defaults to 10s.
         */
        @WithDefault("10s")
        Duration budget();

        /** Attempts of one call at most, the first included. Defaults to 6. */
        @WithDefault("6")
        int maxAttempts();

        /** The first backoff; it doubles per retry, with random jitter of up to half of it. Defaults to 500ms. */
        @WithDefault("500ms")
        Duration initialDelay();

        /** The longest backoff (a longer {@code Retry-After} still wins). Defaults to 4s. */
        @WithDefault("4s")
        Duration maxDelay();
    }

    interface CircuitBreaker {
        /** Attempts in the rolling window the failure ratio is computed over. Defaults to 20. */
        @WithDefault("20")
        int requestVolumeThreshold();

        /**
         * The share of failed attempts (5xx, 408, 409, 429, timeouts, connection errors) in the window that
         * opens the breaker; calls then fail at once, transiently. Defaults to 0.5.
         */
        @WithDefault("0.5")
        double failureRatio();

        /** How long an open breaker stays open before it lets trial calls through. Defaults to 30s. */
        @WithDefault("30s")
        Duration delay();

        /** Successful trial calls that close it again. Defaults to 2. */
        @WithDefault("2")
        int successThreshold();
    }

    interface Deployment {
        /** How often the deployment operation is polled when ARM sends no {@code Retry-After}. Defaults to 15s. */
        @WithDefault("15s")
        Duration pollInterval();

        /**
         * The longest a deployment is watched; past it a DeploymentFailed event with status
         * {@code WatchTimedOut} is published. Defaults to 2h.
         */
        @WithDefault("2h")
        Duration maxWatch();

        /**
         * How long the outcome event is published again while the actions of its rules fail transiently
         * (every attempt logged; the delay doubles from 5s up to 5m). Defaults to 24h, as long as Event
         * Grid retries a delivery.
         */
        @WithDefault("24h")
        Duration publishRetryFor();

        /** The first delay before the outcome event is published again. Defaults to 5s. */
        @WithDefault("5s")
        Duration publishRetryDelay();

        /**
         * The longest chain of deployments that rules may start from one another's outcome events (a rule
         * that answers a DeploymentFailed with another deployment, whose outcome it answers again, ...). A
         * deployment that would make the chain longer is not started and fails permanently (a dead letter
         * naming the chain). 1 lets no outcome event start a deployment. Defaults to 3.
         */
        @WithDefault("3")
        int maxChain();
    }
}
