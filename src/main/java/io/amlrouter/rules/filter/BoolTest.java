package io.amlrouter.rules.filter;

import com.fasterxml.jackson.databind.JsonNode;

/** {@code BoolEquals}: only a JSON boolean counts; the string {@code "true"} is a value of another type. */
final class BoolTest implements ValueTest {

    private final boolean value;

    BoolTest(boolean value) {
        this.value = value;
    }

    @Override
    public boolean accepts(JsonNode node) {
        return node.isBoolean();
    }

    @Override
    public boolean hits(JsonNode node) {
        return node.booleanValue() == value;
    }

    @Override
    public String typeName() {
        return "booleans";
    }

    @Override
    public String phrase() {
        return "is " + value;
    }

    @Override
    public String negatedPhrase() {
        return "is not " + value;
    }

    @Override
    public String hitDetail(JsonNode node) {
        return phrase();
    }
}
