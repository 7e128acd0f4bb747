package io.amlrouter.rules.schema;

/** The JSON type of a data field, as the sources document it (see {@link EventCatalog}). */
public enum FieldType {
    /** A JSON string. */
    STRING,
    /** A JSON number. */
    NUMBER,
    /** A string or a number: {@code modelVersion} (a string in the TypeSpec, an integer in the 2018/2019 swagger). */
    STRING_OR_NUMBER,
    /** An ISO 8601 date-time string, or JSON {@code null}. */
    DATE_TIME,
    /** A free-form object (tags, properties): any key may be in it, with any value. */
    MAP;

    /** Whether a value of this field can be a JSON number (what the Number operators compare). */
    public boolean canBeNumber() {
        return this == NUMBER || this == STRING_OR_NUMBER;
    }

    /** Whether a value of this field can be a JSON string (what the String operators compare). */
    public boolean canBeString() {
        return this == STRING || this == STRING_OR_NUMBER || this == DATE_TIME;
    }

    /** How error messages name the type. */
    public String describe() {
        return switch (this) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case STRING_OR_NUMBER -> "a string or a number";
            case DATE_TIME -> "a date-time string";
            case MAP -> "an object (a free-form map)";
        };
    }
}
