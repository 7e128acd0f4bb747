package io.amlrouter.routing;

import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.subscription.MultiSubscriber;

/**
 * Consumes a stream with at most {@code limit} items in work at once: requests {@code limit} items, starts
 * the work of each as it arrives, and requests one more each time a work says it is done (the work is given
 * the item and a callback to run once, when it ends, whatever the outcome).
 * The same back-pressure as {@code onItem().transformToUni(work).merge(limit)} for a stream whose works
 * emit nothing downstream, without merge's drain loop, which scans every work in flight each time one
 * ends (at a few hundred events in flight that scan was a tenth of the ingest path's CPU: docs/performance.md).
 */
final class InFlightLimit<T> implements MultiSubscriber<T> {

    private static final Logger LOG = Logger.getLogger(InFlightLimit.class);

    private final int limit;
    private final BiConsumer<T, Runnable> work;
    private final String name;
    private volatile Flow.Subscription upstream;

    InFlightLimit(String name, int limit, BiConsumer<T, Runnable> work) {
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
        AtomicBoolean ended = new AtomicBoolean();
        Runnable done = () -> {
            if (ended.compareAndSet(false, true)) {
                upstream.request(1);
            }
        };
        try {
            work.accept(item, done);
        } catch (RuntimeException e) {
            LOG.errorf(e, "The work of an item of %s failed", name);
            done.run();
        }
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
