package io.amlrouter.rules.schema;

import java.util.List;
import java.util.Objects;

/**
 * One member of an event type's {@code data}.
 *
 * @param name the name in camelCase, as the TypeSpec, the REST spec and the SDKs spell it
 * @param docsName the name as the Event Grid docs page shows it (PascalCase for the model and drift events); the
 *        service reads either, and any other casing, since data keys are looked up case-insensitively
 * @param type its JSON type
 * @param values the documented values of a string field with a known set (e.g. {@code runStatus}), else empty
 * @param shape what is known of the text of a value beyond its type, for names built from it
 */
public record DataField(String name, String docsName, FieldType type, List<String> values, Shape shape) {

    /** What a value's text is known to be. */
    public enum Shape {
        /** Nothing beyond its type. */
        ANY,
        /** A whole number (digits only). */
        WHOLE_NUMBER,
        /** An online endpoint or deployment name Azure accepted: 3-32 letters, digits and '-'. */
        ONLINE_NAME
    }

    public DataField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(docsName, "docsName");
        Objects.requireNonNull(type, "type");
        values = List.copyOf(values);
        Objects.requireNonNull(shape, "shape");
    }

    static DataField of(String name, FieldType type) {
        return new DataField(name, name, type, List.of(), Shape.ANY);
    }

    /** The same field, documented under another name on the Event Grid docs page. */
    DataField docs(String docsName) {
        return new DataField(name, docsName, type, values, shape);
    }

    DataField values(String... values) {
        return new DataField(name, docsName, type, List.of(values), shape);
    }

    DataField shape(Shape shape) {
        return new DataField(name, docsName, type, values, shape);
    }

    /** Whether {@code key} names this field (data keys are compared ignoring case). */
    public boolean isNamed(String key) {
        return name.equalsIgnoreCase(key) || docsName.equalsIgnoreCase(key);
    }

    /** A free-form map: any key may follow it. */
    public boolean isMap() {
        return type == FieldType.MAP;
    }
}
