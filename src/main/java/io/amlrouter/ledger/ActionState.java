package io.amlrouter.ledger;

/** Where one action of one event stands. */
public enum ActionState {
    /** Not running now; earlier attempts (if any) failed transiently and it is still owed. */
    PENDING,
    /** Being executed (by this replica or another one, until its lease ends). */
    CLAIMED,
    /** Done: never run again for this event. */
    SUCCEEDED,
    /** Failed for a reason retrying cannot fix; dead-lettered, never retried unless replayed. */
    FAILED,
    /** Recorded in a digest group instead of run (final): the group's digest sends it (docs/actions.md, "Digests"). */
    GROUPED,
    /** Not run: over its rate limit ({@code limit:}) when it was decided; never run for this event. */
    LIMITED;

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == GROUPED || this == LIMITED;
    }
}
