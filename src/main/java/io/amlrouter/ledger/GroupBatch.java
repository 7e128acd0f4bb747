package io.amlrouter.ledger;

import java.util.List;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The events of a group taken to be sent as one digest. A batch is fixed once taken: until it is
 * {@linkplain OutcomeLedger#groupSent sent}, taking the group again (after a retry, or by another replica once the
 * lease lapsed) gives the same batch with the same {@code seq}, so its digest has one {@link #digestKey()} and is
 * sent once; events that join meanwhile wait for the next batch.
 *
 * @param seq the batch's number in its group, from 1
 * @param entries the listed events, in the order they joined (at most {@code digest.max-listed})
 * @param count every event of the batch, listed or not
 */
@RegisterForReflection
public record GroupBatch(DigestGroup group, long seq, List<GroupEntry> entries, int count) {

    public GroupBatch {
        entries = List.copyOf(entries);
    }

    /** The ledger key of this batch's digest: claimed before it is sent, so it is sent once. */
    public ActionKey digestKey() {
        return new ActionKey("digest-" + group.id() + "-" + seq, group.rule(), group.actionIndex());
    }
}
