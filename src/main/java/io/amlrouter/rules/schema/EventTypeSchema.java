package io.amlrouter.rules.schema;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the lint knows of one event type: its {@code data} members and the formats of its subject.
 *
 * @param name the canonical type name, e.g. {@code Microsoft.MachineLearningServices.RunCompleted}
 * @param data every documented member of {@code data}, in documentation order; the set is closed: a key that is
 *        not here (or under a {@link FieldType#MAP} member) is not in this type's events
 * @param subjects the subject formats, {@code {x}} standing for one path segment (no '/'), e.g.
 *        {@code experiments/{experimentId}/runs/{runId}}; several where the sources disagree
 */
public record EventTypeSchema(String name, List<DataField> data, List<String> subjects) {

    public EventTypeSchema {
        Objects.requireNonNull(name, "name");
        data = List.copyOf(data);
        subjects = List.copyOf(subjects);
    }

    /** The member named {@code key}, in any casing. */
    public Optional<DataField> field(String key) {
        return data.stream().filter(f -> f.isNamed(key)).findFirst();
    }

    /** The last segment of the name: {@code RunCompleted}. */
    public String shortName() {
        return name.substring(name.lastIndexOf('.') + 1);
    }

    /** Whether a subject of this type can begin with {@code prefix} and end with {@code suffix} (either may be null). */
    public boolean subjectCanBe(String prefix, String suffix, boolean caseSensitive) {
        return subjects.stream().anyMatch(f -> (prefix == null || SubjectFormat.canBegin(f, prefix, caseSensitive))
                && (suffix == null || SubjectFormat.canEnd(f, suffix, caseSensitive)));
    }
}
