package io.amlrouter.ledger;

/**
 * The answer to "may this action run under its rate limit?", decided once per action.
 *
 * @param admitted true when it may run (it counts in the window), false when it is over the limit
 * @param inWindow the actions admitted in the window when it was decided, this one included when admitted
 */
public record LimitDecision(boolean admitted, long inWindow) {
}
