package io.amlrouter.observability;

import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jboss.logging.MDC;

import io.opentelemetry.context.Scope;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * Runs the work of one event, or of one action, on a Vert.x duplicated context of its own whose log fields
 * (the MDC) and current trace context are set once, when it starts: every log line and span of that work,
 * on whatever thread Quarkus and Vert.x run it (the event loop, a worker of {@code executeBlocking}, the
 * continuation of a REST client, mail or Redis call, all of which come back on the context they were
 * called from), carries them without being handed them.
 * <p>
 * This rests on two Quarkus facts: its MDC provider ({@code io.quarkus.vertx.core.runtime.VertxMDC}) keeps
 * the MDC in the local data of the current duplicated context when there is one, and its OpenTelemetry
 * context storage ({@code QuarkusContextStorage}) keeps the current trace context there too. A new
 * duplicated context starts with empty local data, so the fields are put on it here, once.
 * <p>
 * Outside Vert.x (plain unit tests, with no context to fork) the work runs as it is, without fields.
 */
public final class OwnContext {

    private OwnContext() {
    }

    /**
     * Runs an event's routing on {@code own}, a duplicated context made for this event alone (null: inline,
     * without fields), with the event's fields in the MDC and {@code route} current until it ends, and
     * hands its outcome to {@code settled} (null when it succeeded), without Mutiny operators around it: each
     * operator made per event captures and restores the CDI context (SmallRye Context Propagation), which the
     * bench measured (docs/performance.md). Never throws; a {@code work} that throws is a failed outcome.
     */
    public static void runEvent(Context own, TraceSpan route, String eventId, String eventType, String subject,
            Supplier<Uni<Void>> work, Consumer<Throwable> settled) {
        if (own == null) {
            subscribe(work, null, settled);
            return;
        }
        own.runOnContext(ignored -> subscribe(work, enter(route.context(), eventId, eventType, subject), settled));
    }

    private static void subscribe(Supplier<Uni<Void>> work, Scope scope, Consumer<Throwable> settled) {
        Uni<Void> started;
        try {
            started = work.get();
        } catch (RuntimeException e) {
            started = Uni.createFrom().failure(e);
        }
        started.subscribe().with(ignored -> {
            close(scope);
            settled.accept(null);
        }, failure -> {
            close(scope);
            settled.accept(failure);
        });
    }

    private static void close(Scope scope) {
        if (scope != null) {
            scope.close();
        }
    }

    /**
     * Runs one action of an event on a new duplicated context of the current one (its event's), with the
     * event's and the action's fields in the MDC (type and subject may be null) and the current trace
     * context (the event's span) carried over. Its action span, when it starts one, is then a child of
     * the event's.
     */
    public static <T> Uni<T> ofAction(String eventId, String eventType, String subject, String rule, int action,
            String kind, Supplier<Uni<? extends T>> work) {
        return Uni.createFrom().deferred(() -> {
            io.opentelemetry.context.Context trace = io.opentelemetry.context.Context.current();
            Context current = Vertx.currentContext();
            return run(current == null ? null : VertxContext.createNewDuplicatedContext(current),
                    trace == io.opentelemetry.context.Context.root() ? null : trace, work,
                    eventId, eventType, subject, rule, Integer.toString(action), kind);
        });
    }

    /**
     * An executor that runs tasks on the Vert.x context current now (inline when they are submitted on it
     * already), for work that must come back to it after a hop off Vert.x (a Mutiny timer); inline when
     * there is none.
     */
    public static Executor current() {
        return on(Vertx.currentContext());
    }

    /**
     * {@link #current()} for a caller that may be on a thread outside Vert.x: there the tasks run inline, where
     * they are submitted. On such a thread {@link Vertx#currentContext()} reads a thread local shared by every
     * Vert.x instance in the JVM, which may name a context whose Vert.x is closed, and a task handed to such a
     * context is dropped without a word.
     */
    public static Executor currentOnVertxThread() {
        return on(Context.isOnVertxThread() ? Vertx.currentContext() : null);
    }

    private static Executor on(Context context) {
        if (context == null) {
            return Runnable::run;
        }
        return task -> {
            if (Vertx.currentContext() == context) {
                task.run();
            } else {
                context.runOnContext(ignored -> task.run());
            }
        };
    }

    private static <T> Uni<T> run(Context own, io.opentelemetry.context.Context trace, Supplier<Uni<? extends T>> work,
            String... fields) {
        if (own == null) {
            return Uni.createFrom().deferred(work);
        }
        Executor onOwn = task -> own.runOnContext(ignored -> task.run());
        return Uni.createFrom().deferred(() -> {
            Scope scope = enter(trace, fields);
            if (scope == null) {
                return work.get();
            }
            try {
                return work.get().onTermination().invoke(scope::close);
            } catch (RuntimeException e) {
                scope.close();
                throw e;
            }
        }).runSubscriptionOn(onOwn);
    }

    /**
     * Called on the work's own context: puts the non-null {@code fields} (in {@link LogContext#KEYS} order) in
     * the MDC and makes {@code trace} current, both stored in that context's local data; the scope to close
     * when the work ends, null without a trace.
     */
    private static Scope enter(io.opentelemetry.context.Context trace, String... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] != null) {
                MDC.put(LogContext.KEYS[i], fields[i]);
            }
        }
        return trace == null ? null : trace.makeCurrent();
    }
}
