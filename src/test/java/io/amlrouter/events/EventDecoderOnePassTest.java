package io.amlrouter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * A delivery is tokenized once: each event's tree is read and its text sliced out in the same pass (the decoder's
 * second, slicing pass was 8 % of the ingest path's samples). Whatever the body, the one pass gives exactly what the
 * two passes give, or steps aside so the two passes name the defect as before.
 */
class EventDecoderOnePassTest {

    private static final JsonLimits LIMITS = JsonLimits.defaults();
    private final EventDecoder decoder = new EventDecoder(LIMITS, new MlEventMapper("https://ml.azure.com"));

    /** Counts the parsers made over byte arrays: one per tokenizing pass. */
    static final class CountingFactory extends JsonFactory {
        int parsers;

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            parsers++;
            return super._createParser(data, offset, len, ctxt);
        }
    }

    static List<byte[]> bodies() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String dir : List.of("src/test/resources/testdata/events", "src/test/resources/io/amlrouter/fuzz/EventDecoderFuzzTestInputs")) {
            try (Stream<Path> walk = Files.walk(Path.of(dir))) {
                for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                    out.add(Files.readAllBytes(p));
                }
            }
        }
        String five = "{\"id\":\"%s\",\"eventType\":\"X.Y\",\"subject\":\"s\",\"data\":{\"a\":[1,2.5,{\"b\":null}]}}";
        out.add(("[" + String.format(five, "a") + " , " + String.format(five, "b") + "]").getBytes(StandardCharsets.UTF_8));
        out.add(("[" + String.format(five, "a") + "] []").getBytes(StandardCharsets.UTF_8)); // trailing content
        out.add(("[" + String.format(five, "a") + ", 3, null]").getBytes(StandardCharsets.UTF_8));
        out.add("[]".getBytes(StandardCharsets.UTF_8));
        out.add("\"x\"".getBytes(StandardCharsets.UTF_8));
        out.add("{\"id\":\"a\",\"id\":\"b\"}".getBytes(StandardCharsets.UTF_8)); // duplicate key
        out.add("[{\"id\":\"a\"}".getBytes(StandardCharsets.UTF_8)); // cut short
        out.add(("\ufeff" + String.format(five, "bom")).getBytes(StandardCharsets.UTF_8));
        out.add(("[" + String.format(five, "u16") + "]").getBytes(StandardCharsets.UTF_16BE));
        return out;
    }

    @Test
    void theOnePassGivesWhatTheTwoPassesGiveOrStepsAside() throws IOException {
        int taken = 0;
        int refused = 0;
        for (byte[] body : bodies()) {
            String shown = new String(body, StandardCharsets.UTF_8);
            EventDecoder.Parsed one = decoder.onePass(body);
            EventDecoder.Parsed two;
            try {
                two = decoder.twoPasses(body);
            } catch (EventDecodingException e) {
                assertThat(one).as(shown).isNull();
                refused++;
                continue;
            }
            assertThat(one).as(shown).isNotNull();
            assertThat(one.array()).as(shown).isEqualTo(two.array());
            assertThat(one.items()).as(shown).isEqualTo(two.items());
            assertThat(one.texts()).as(shown).isEqualTo(two.texts());
            taken++;
        }
        assertThat(taken).isGreaterThan(20);
        assertThat(refused).isGreaterThan(5);
    }

    @Test
    void tooManyEventsAreNamedAsBefore() {
        StringBuilder body = new StringBuilder("[");
        for (int i = 0; i <= LIMITS.maxEvents(); i++) {
            body.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\",\"eventType\":\"X.Y\"}");
        }
        byte[] bytes = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
        assertThat(decoder.onePass(bytes)).isNull();
        assertThatThrownBy(() -> decoder.decodeDelivery(bytes, BodyFormat.JSON)).isInstanceOf(EventDecodingException.class)
                .hasMessageContaining("the array holds 5001 events; at most 5000 are accepted");
    }

    @Test
    void aValidDeliveryIsTokenizedOnce() throws Exception {
        CountingFactory factory = new CountingFactory();
        ObjectMapper mapper = JsonMapper.builder(factory).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
        EventDecoder counted = new EventDecoder(LIMITS, new MlEventMapper("https://ml.azure.com"), mapper);
        byte[] body = Files.readAllBytes(Path.of("src/test/resources/testdata/events/eventgrid/RunStatusChanged.json"));

        List<Inbound> events = counted.decodeDelivery(body, BodyFormat.JSON);

        assertThat(events).hasSize(1);
        assertThat(((Inbound.Notification) events.get(0)).event().envelope().rawText()).isNotNull();
        assertThat(factory.parsers).isEqualTo(1);
    }
}
