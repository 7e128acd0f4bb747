package io.amlrouter.rules.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every operator on every kind of event value, as reference §6.4 specifies (and our documented gap fills). */
class OperatorSemanticsTest {

    static List<FilterCase> operators() {
        return OperatorCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operators")
    void operator(FilterCase c) {
        assertThat(c.compiled().matches(c.event())).isEqualTo(c.expected());
    }

    @Test
    void everyOperatorHasRows() {
        String names = operators().stream().map(FilterCase::name).collect(Collectors.joining("\n"));
        Arrays.stream(OperatorType.values())
                .forEach(op -> assertThat(names).as("rows for %s", op).containsPattern("(?m)^" + op.name() + "[ :]"));
    }

    @Test
    void operatorNamesAreEventGridsNineteen() {
        assertThat(Arrays.stream(OperatorType.values()).map(Enum::name)).containsExactly("NumberIn", "NumberNotIn",
                "NumberLessThan", "NumberGreaterThan", "NumberLessThanOrEquals", "NumberGreaterThanOrEquals",
                "NumberInRange", "NumberNotInRange", "BoolEquals", "StringContains", "StringNotContains",
                "StringBeginsWith", "StringNotBeginsWith", "StringEndsWith", "StringNotEndsWith", "StringIn",
                "StringNotIn", "IsNullOrUndefined", "IsNotNull");
    }
}
