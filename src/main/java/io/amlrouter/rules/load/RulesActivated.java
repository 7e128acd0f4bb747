package io.amlrouter.rules.load;

import java.util.Set;

/**
 * A CDI event fired when a changed rules file became the active rule set (not at startup): the names of
 * its rules, so that what is kept per rule (metrics) can forget the rules that are gone.
 */
public record RulesActivated(Set<String> ruleNames) {

    public RulesActivated {
        ruleNames = Set.copyOf(ruleNames);
    }
}
