package io.amlrouter.ledger;

/** The answer to "may I run this action now?". */
public sealed interface Claim {

    ActionRecord record();

    /** Yes: the caller holds the claim until it records an outcome or the lease ends. */
    record Granted(ActionRecord record) implements Claim {
    }

    /** No need: the action already succeeded or failed permanently. */
    record AlreadyDone(ActionRecord record) implements Claim {
    }

    /** Not now: another replica holds an unexpired claim on it. */
    record HeldElsewhere(ActionRecord record) implements Claim {
    }
}
