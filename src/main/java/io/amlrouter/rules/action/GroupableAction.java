package io.amlrouter.rules.action;

import java.util.Optional;

import io.amlrouter.rules.template.DigestView;
import io.amlrouter.rules.template.RenderException;

/**
 * An action that may be grouped into digests ({@code email}, {@code webhook}): with a {@link Grouping}, the router
 * records each event in its group instead of running the action, and the group is sent as one digest.
 */
public interface GroupableAction {

    /** The action's {@code group}, if it has one. */
    Optional<Grouping> group();

    /** The digest of a group: one message listing its events. */
    RenderedAction renderDigest(DigestView digest, String ruleName, String ruleDescription) throws RenderException;
}
