package io.amlrouter.routing;

import java.util.concurrent.Flow;
import java.util.function.Function;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * Consumes a stream with at most {@code limit} items in work at once: requests {@code limit} items, starts
 * the work of each as it arrives, and requests one more each time a work ends (with an item or a failure).
 * The same back-pressure as {@code onItem().transformToUni(work).merge(limit)} for a stream whose works
 * emit nothing downstream, without merge's drain loop, which scans every work in flight each time one
 * ends (at a few hundred events in flight that scan was a tenth of the ingest path's CPU: docs/performance.md).
 */
final class InFlightLimit<T> implements MultiSubscriber<T> {

    private static final Logger LOG = Logger.getLogger(InFlightLimit.class);

    private final int limit;
    private final Function<T, Uni<Void>> work;
    private final String name;
    private volatile Flow.Subscription upstream;

    InFlightLimit(String name, int limit, Function<T, Uni<Void>> work) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.name = name;
        this.limit = limit;
        this.work = work;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        upstream = subscription;
        subscription.request(limit);
    }

    @Override
    public void onItem(T item) {
        Uni<Void> started;
        try {
            started = work.apply(item);
        } catch (RuntimeException e) {
            LOG.errorf(e, "The work of an item of %s failed to start", name);
            upstream.request(1);
            return;
        }
        started.subscribe().with(ignored -> upstream.request(1), failure -> {
            LOG.errorf(failure, "The work of an item of %s failed", name);
            upstream.request(1);
        });
    }

    @Override
    public void onFailure(Throwable failure) {
        LOG.errorf(failure, "The %s channel failed; no event is routed any more", name);
    }

    @Override
    public void onCompletion() {
        LOG.debugf("The %s channel completed", name);
    }
}
