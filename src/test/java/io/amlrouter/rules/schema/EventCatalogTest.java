package io.amlrouter.rules.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The schema agrees with the sample events (documented and captured shapes, both casings, both delivery schemas, our
 * own outcome events): every data key of a known type is a field of it, of its JSON type and, where the field has a
 * documented value set, one of its values; every subject is one of the type's formats. So a rule written for these
 * events is never refused for a key, a value or a subject they carry.
 */
class EventCatalogTest {

    static Stream<Path> samples() throws IOException {
        return Stream.of("eventgrid", "cloudevents", "synthetic").flatMap(dir -> {
            try {
                return Files.list(Path.of("src/test/resources/testdata/events", dir)).filter(p -> p.toString().endsWith(".json"))
                        .sorted().toList().stream();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void everySampleEventFitsItsTypesSchema(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        for (JsonNode event : root.isArray() ? root : new ObjectMapper().createArrayNode().add(root)) {
            String typeName = event.has("eventType") ? event.get("eventType").asText() : event.path("type").asText();
            Optional<EventTypeSchema> type = EventCatalog.find(typeName);
            if (type.isEmpty()) {
                assertThat(file.getFileName().toString()).as("only Unknown.json has a type outside the catalog").isEqualTo("Unknown.json");
                continue;
            }
            String subject = event.path("subject").asText();
            assertThat(type.get().subjects()).as(subject)
                    .anyMatch(format -> SubjectFormat.matches(format, subject, false));
            for (Map.Entry<String, JsonNode> member : event.path("data").properties()) {
                Optional<DataField> field = type.get().field(member.getKey());
                assertThat(field).as(typeName + " data." + member.getKey()).isPresent();
                JsonNode value = member.getValue();
                boolean fits = value.isNull() || switch (field.get().type()) {
                    case STRING -> value.isTextual();
                    case NUMBER -> value.isNumber();
                    case STRING_OR_NUMBER -> value.isTextual() || value.isNumber();
                    case DATE_TIME -> value.isTextual();
                    case MAP -> value.isObject();
                };
                assertThat(fits).as(typeName + " data." + member.getKey() + " = " + value + " is "
                        + field.get().type().describe()).isTrue();
                if (!field.get().values().isEmpty()) {
                    assertThat(field.get().values()).as(typeName + " data." + member.getKey())
                            .anyMatch(v -> v.equalsIgnoreCase(value.asText()));
                }
                if (field.get().shape() == DataField.Shape.WHOLE_NUMBER) {
                    assertThat(value.asText()).matches("[0-9]+");
                }
            }
        }
    }

    @Test
    void subjectPrefixesAndSuffixesArePossibleOnlyWhereAFormatAllowsThem() {
        String run = "experiments/{experimentId}/runs/{runId}";
        assertThat(SubjectFormat.canBegin(run, "", false)).isTrue();
        assertThat(SubjectFormat.canBegin(run, "experiments/", false)).isTrue();
        assertThat(SubjectFormat.canBegin(run, "EXPERIMENTS/7f3b/runs/", false)).isTrue();
        assertThat(SubjectFormat.canBegin(run, "EXPERIMENTS/", true)).isFalse();
        assertThat(SubjectFormat.canBegin(run, "experiments//", false)).as("a segment is never empty").isFalse();
        assertThat(SubjectFormat.canBegin(run, "experiments/a/b", false)).isFalse();
        assertThat(SubjectFormat.canBegin(run, "experiments/a/runs/b/c", false)).isFalse();
        assertThat(SubjectFormat.canEnd(run, "_7", false)).isTrue();
        assertThat(SubjectFormat.canEnd(run, "/runs/x", false)).isTrue();
        assertThat(SubjectFormat.canEnd(run, "/run/x", false)).isFalse();
        assertThat(SubjectFormat.canEnd("models/{modelName}:{modelVersion}", ":3", false)).isTrue();
        assertThat(SubjectFormat.canEnd("models/{modelName}:{modelVersion}", "models/a:1", false)).isTrue();
        assertThat(SubjectFormat.canEnd("endpoints/{serviceName}", "/runs/1", false)).isFalse();
    }
}
