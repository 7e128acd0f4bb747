package io.amlrouter.actions.http;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.ProcessingException;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import io.amlrouter.observability.OwnContext;
import io.amlrouter.routing.ActionScope;
import io.amlrouter.actions.ActionsConfig;
import io.amlrouter.routing.ActionMetrics;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.VertxException;

/**
 * Runs outbound calls with the same discipline for every action: a timeout per attempt, retries with
 * exponential backoff and jitter that honour {@code Retry-After} within a total budget, and a
 * SmallRye Fault Tolerance circuit breaker per target (ARM, or a webhook's origin), named after the target (e.g.
 * {@code webhook https://hooks.contoso.com}) so {@code CircuitBreakerMaintenance} can read or reset it. Answers are
 * sorted once: 2xx succeed; 408, 409, 429 and 5xx are retried, then unavailable (transient); other
 * 3xx/4xx are rejected (permanent). Timeouts and connection errors are retried like 5xx; a target whose
 * address may not be reached ({@link AddressRefused}) is refused at once (permanent). Each retry is
 * counted for the action the call belongs to ({@link ActionScope} in the Mutiny context).
 */
@ApplicationScoped
public class Outbound {

    private static final Logger LOG = Logger.getLogger(Outbound.class);
    private static final TypeLiteral<Uni<HttpReply>> UNI_REPLY = new TypeLiteral<>() {
    };

    private final ActionsConfig.Http config;
    private final ConcurrentHashMap<String, Guard> guards = new ConcurrentHashMap<>();
    private final ActionMetrics metrics;

    public Outbound(ActionsConfig config, ActionMetrics metrics) {
        this.config = config.http();
        this.metrics = metrics;
    }

    /**
     * Runs a call against {@code target} (the circuit breaker's name), sorting answers as described
     * above; {@code context} names the action in log lines (event, rule, action).
     */
    public Uni<CallResult> call(String target, String context, Supplier<Uni<HttpReply>> attempt) {
        return call(target, context, attempt, reply -> false);
    }

    /**
     * Runs a call; {@code settles} marks answers that end the call as they are even though their status
     * would be retried (e.g. a 409 that means "already exists").
     */
    public Uni<CallResult> call(String target, String context, Supplier<Uni<HttpReply>> attempt,
            Predicate<HttpReply> settles) {
        return Uni.createFrom().context(ctx -> call(target, context, attempt, settles, ActionScope.in(ctx),
                OwnContext.current()));
    }

    /**
     * The call, whose retries and answer come back on {@code caller} (the Vert.x context it was called on,
     * an action's own): Mutiny's timeouts and retry delays fire on its worker pool, and a retried request
     * answers on the context it was sent from, so without this the retry line and the action's next steps
     * would run off the action's context, without its log fields.
     */
    private Uni<CallResult> call(String target, String context, Supplier<Uni<HttpReply>> attempt,
            Predicate<HttpReply> settles, Optional<ActionScope> scope, Executor caller) {
        Guard guard = guards.computeIfAbsent(target, this::guard);
        RetrySchedule schedule = new RetrySchedule(config.retry());
        Duration timeout = config.timeout();
        Uni<HttpReply> once = Uni.createFrom().deferred(() -> guard.get(() -> attempt.get()
                .ifNoItem().after(timeout).failWith(() -> RetryableFailure.timeout(timeout))
                .onFailure(Outbound::connectionError).transform(Outbound::asRetryable)
                .chain(reply -> retryable(reply.status()) && !settles.test(reply)
                        ? Uni.createFrom().failure(RetryableFailure.status(reply))
                        : Uni.createFrom().item(reply)), UNI_REPLY));
        return once
                .onFailure(RetryableFailure.class).retry().when(failures -> failures.onItem()
                        .transformToUniAndConcatenate(f -> wait(context, scope, schedule, (RetryableFailure) f, caller)))
                .map(reply -> reply.successful() || settles.test(reply) ? (CallResult) new CallResult.Ok(reply)
                        : new CallResult.Rejected(reply))
                .onFailure(AddressRefused.class).recoverWithItem(f -> new CallResult.Refused(f.getMessage()))
                .onFailure().recoverWithItem(f -> unavailable(target, schedule, f))
                .emitOn(caller);
    }

    private Uni<Object> wait(String context, Optional<ActionScope> scope, RetrySchedule schedule,
            RetryableFailure failure, Executor caller) {
        Optional<Duration> delay = schedule.next(failure);
        if (delay.isEmpty()) {
            return Uni.createFrom().failure(failure);
        }
        // Logged on the caller's context (a timeout fails on Mutiny's timer thread), so the line has its fields.
        return Uni.createFrom().item((Object) failure).emitOn(caller).invoke(() -> {
            scope.ifPresent(s -> metrics.retry(s.kind(), s.rule()));
            logRetry(context, schedule, failure, delay.get());
        }).onItem().delayIt().by(delay.get());
    }

    private static void logRetry(String context, RetrySchedule schedule, RetryableFailure failure, Duration delay) {
        LOG.infof("%s: attempt %d failed (%s); retrying in %d ms", context, schedule.attempts() - 1,
                failure.getMessage(), delay.toMillis());
    }

    private static CallResult unavailable(String target, RetrySchedule schedule, Throwable failure) {
        if (failure instanceof CircuitBreakerOpenException) {
            return new CallResult.Unavailable("circuit breaker for " + target + " is open after repeated failures",
                    null);
        }
        if (failure instanceof RetryableFailure r) {
            // "calls", not "attempts": the history's attempts count runs of the action, each of which makes
            // up to actions.http.retry.max-attempts calls.
            return new CallResult.Unavailable(r.getMessage() + " (" + schedule.attempts() + " HTTP call(s) in this run)",
                    r.reply().orElse(null));
        }
        return new CallResult.Unavailable(describe(failure), null);
    }

    /** 408 Request Timeout, 409 Conflict (ARM: another operation in progress), 429, and every 5xx. */
    static boolean retryable(int status) {
        return status == 408 || status == 409 || status == 429 || status >= 500;
    }

    private Guard guard(String target) {
        ActionsConfig.CircuitBreaker cb = config.circuitBreaker();
        return Guard.create()
                .withDescription("outbound " + target)
                .withCircuitBreaker()
                .name(target)
                .requestVolumeThreshold(cb.requestVolumeThreshold())
                .failureRatio(cb.failureRatio())
                .delay(cb.delay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(cb.successThreshold())
                .when(t -> t instanceof RetryableFailure)
                .onStateChange(state -> LOG.warnf("Circuit breaker for %s is now %s", target, state))
                .done()
                .build();
    }

    private static boolean connectionError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IOException || c instanceof ProcessingException || c instanceof VertxException
                    || c instanceof io.netty.channel.ChannelException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable asRetryable(Throwable t) {
        return RetryableFailure.connection(describe(t));
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 400; c = c.getCause()) {
            String m = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString().replaceAll("[\\r\\n]+", " ");
    }
}
