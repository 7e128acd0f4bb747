package io.amlrouter.rules.filter;

import java.util.List;
import java.util.stream.Stream;

/** Every semantics row of every table, for properties that must hold on all of them. */
final class AllCases {

    private AllCases() {
    }

    static List<FilterCase> all() {
        return Stream.of(OperatorCases.all(), WorkedExamples.all(), EnvelopeCases.eventTypes(),
                EnvelopeCases.subjects(), StructureCases.combination(), StructureCases.anyOf(), StructureCases.keys(),
                FixtureRules.cases()).flatMap(List::stream).toList();
    }
}
