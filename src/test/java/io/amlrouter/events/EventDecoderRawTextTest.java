package io.amlrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The ledger records each event's JSON text as received, sliced out of the delivery instead of writing the
 * parsed tree out again; whatever the body, that text reads back as the very event the rules saw.
 */
class EventDecoderRawTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final EventDecoder decoder = new EventDecoder(JsonLimits.defaults(), new MlEventMapper("https://ml.azure.com"));

    private List<MlEvent> events(byte[] body, BodyFormat format) throws Exception {
        return decoder.decodeDelivery(body, format).stream().map(i -> ((Inbound.Notification) i).event()).toList();
    }

    static Stream<Path> fixtures() throws Exception {
        return Files.list(Path.of("src/test/resources/testdata/events/eventgrid")).sorted();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureKeepsItsTextAsReceived(Path fixture) throws Exception {
        byte[] body = Files.readAllBytes(fixture);
        String text = new String(body, StandardCharsets.UTF_8);
        for (MlEvent e : events(body, BodyFormat.JSON)) {
            assertThat(e.envelope().rawText()).isNotNull();
            assertThat(text).contains(e.rawJson());
            assertThat(decoder.mapper().readTree(e.rawJson())).isEqualTo(e.raw());
        }
    }

    @Test
    void eachEventOfABatchGetsItsOwnSlice() throws Exception {
        String body = "[ {\"id\":\"a\",\"eventType\":\"X.Y\",\"subject\":\"s\",\"data\":{\"k\":[1,{\"n\":\"}\"}]}} ,\n"
                + "  {\"id\":\"b\",\"eventType\":\"X.Z\",\"data\":{\"t\":\"caf\u00e9 \ud83d\ude80 \\\" ]\"}}\n]";
        List<MlEvent> events = events(body.getBytes(StandardCharsets.UTF_8), BodyFormat.JSON);
        assertThat(events).extracting(MlEvent::rawJson).containsExactly(
                "{\"id\":\"a\",\"eventType\":\"X.Y\",\"subject\":\"s\",\"data\":{\"k\":[1,{\"n\":\"}\"}]}}",
                "{\"id\":\"b\",\"eventType\":\"X.Z\",\"data\":{\"t\":\"caf\u00e9 \ud83d\ude80 \\\" ]\"}}");
        for (MlEvent e : events) {
            assertThat(decoder.mapper().readTree(e.rawJson())).isEqualTo(e.raw());
        }
    }

    @Test
    void aSingleCloudEventIsItsWholeObject() throws Exception {
        String body = "\n {\"specversion\":\"1.0\",\"id\":\"c\",\"type\":\"X.Y\",\"source\":\"/s\",\"data\":{}} \n";
        MlEvent e = events(body.getBytes(StandardCharsets.UTF_8), BodyFormat.CLOUDEVENT).get(0);
        assertThat(e.rawJson()).isEqualTo(body.trim());
    }

    @Test
    void aByteOrderMarkOrAnotherEncodingStillGivesTheEvent() throws Exception {
        String json = "[{\"id\":\"a\",\"eventType\":\"X.Y\",\"data\":{\"t\":\"\u00e9\"}}]";
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        byte[] bom = new byte[utf8.length + 3];
        bom[0] = (byte) 0xEF;
        bom[1] = (byte) 0xBB;
        bom[2] = (byte) 0xBF;
        System.arraycopy(utf8, 0, bom, 3, utf8.length);
        for (byte[] body : List.of(bom, json.getBytes(StandardCharsets.UTF_16BE))) {
            List<Inbound> items;
            try {
                items = decoder.decodeDelivery(body, BodyFormat.JSON);
            } catch (EventDecodingException refused) {
                continue; // not this decoder's to accept; nothing to record then
            }
            MlEvent e = ((Inbound.Notification) items.get(0)).event();
            assertThat(decoder.mapper().readTree(e.rawJson())).isEqualTo(e.raw());
        }
    }

    @Test
    void eventsTheServiceBuildsItselfAreWrittenOut() {
        EventEnvelope synthetic = new EventEnvelope("id", "AmlEventRouter.DeploymentSucceeded", null, null, null, null,
                EventSchema.EVENT_GRID, null, JSON.createObjectNode().put("id", "id"));
        assertThat(synthetic.rawText()).isNull();
        assertThat(synthetic.rawJson()).isEqualTo("{\"id\":\"id\"}");
    }
}
