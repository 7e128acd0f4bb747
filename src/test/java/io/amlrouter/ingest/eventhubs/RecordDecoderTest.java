package io.amlrouter.ingest.eventhubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.EventSchema;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.JsonLimits;
import io.amlrouter.events.MlEvent;
import io.amlrouter.events.MlEventMapper;
import io.amlrouter.support.EventFixtures;

class RecordDecoderTest {

    final RecordDecoder decoder = new RecordDecoder(new EventDecoder(JsonLimits.defaults(),
            new MlEventMapper("https://ml.azure.com")));

    static io.amlrouter.ingest.eventhubs.RecordHeaders headers(Map<String, String> h) {
        RecordHeaders kafka = new RecordHeaders();
        h.forEach((k, v) -> kafka.add(k, v.getBytes(StandardCharsets.UTF_8)));
        return io.amlrouter.ingest.eventhubs.RecordHeaders.of(kafka);
    }

    static MlEvent only(List<Inbound> items) {
        assertThat(items).hasSize(1);
        return ((Inbound.Notification) items.get(0)).event();
    }

    @Test
    void anEventGridObjectAndAOneElementArrayAreTheSameEvent() throws Exception {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunCompleted.json");
        MlEvent fromObject = only(decoder.decode(event.toString().getBytes(StandardCharsets.UTF_8), headers(Map.of())));
        MlEvent fromArray = only(decoder.decode(("[" + event + "]").getBytes(StandardCharsets.UTF_8), headers(Map.of())));
        assertThat(fromObject).isInstanceOf(MlEvent.RunCompleted.class);
        assertThat(fromObject.id()).isEqualTo(event.get("id").asText()).isEqualTo(fromArray.id());
        assertThat(fromObject.envelope().schema()).isEqualTo(EventSchema.EVENT_GRID);
    }

    @Test
    void aCloudEventInBinaryModeIsAssembledFromItsHeadersAndData() throws Exception {
        ObjectNode structured = EventFixtures.fresh("cloudevents/RunCompleted.json");
        Map<String, String> ce = Map.of("ce_specversion", "1.0", "ce_id", structured.get("id").asText(), "ce_type",
                structured.get("type").asText(), "ce_source", structured.get("source").asText(), "ce_subject",
                structured.get("subject").asText(), "content-type", "application/json");
        MlEvent event = only(decoder.decode(structured.get("data").toString().getBytes(StandardCharsets.UTF_8),
                headers(ce)));
        assertThat(event).isInstanceOf(MlEvent.RunCompleted.class);
        assertThat(event.id()).isEqualTo(structured.get("id").asText());
        assertThat(event.envelope().schema()).isEqualTo(EventSchema.CLOUD_EVENTS);
        assertThat(event.envelope().workspace()).isNotNull();
        assertThat(((MlEvent.RunCompleted) event).runId()).isEqualTo(structured.at("/data/runId").asText());
    }

    @Test
    void aRecordThatIsNotAnEventIsRefusedNamingTheDefect() {
        assertThatThrownBy(() -> decoder.decode("not json".getBytes(StandardCharsets.UTF_8), headers(Map.of())))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> decoder.decode("{\"eventType\":\"x\"}".getBytes(StandardCharsets.UTF_8),
                headers(Map.of()))).isInstanceOf(EventDecodingException.class).hasMessageContaining("id");
        assertThatThrownBy(() -> decoder.decode(new byte[0], headers(Map.of("ce_specversion", "1.0", "ce_type", "t"))))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("id");
        // Our own event types cannot come from outside, by either framing.
        assertThatThrownBy(() -> decoder.decode("{}".getBytes(StandardCharsets.UTF_8), headers(Map.of(
                "ce_specversion", "1.0", "ce_id", "1", "ce_type", "AmlEventRouter.DeploymentSucceeded", "ce_source", "s"))))
                .isInstanceOf(EventDecodingException.class).hasMessageContaining("published by this service");
    }

    @Test
    void eventGridHeadersAreReadAsUtf8OrAsTheirAmqpEncoding() {
        RecordHeaders kafka = new RecordHeaders();
        kafka.add(new RecordHeader("aeg-subscription-name", "AML-EVENTS".getBytes(StandardCharsets.UTF_8)));
        // Through Event Hubs' Kafka endpoint an AMQP application property arrives AMQP-encoded: str8-utf8, int.
        kafka.add(new RecordHeader("aeg-event-type", new byte[] { (byte) 0xa1, 12, 'N', 'o', 't', 'i', 'f', 'i', 'c',
                'a', 't', 'i', 'o', 'n' }));
        kafka.add(new RecordHeader("aeg-delivery-count", new byte[] { 0x71, 0, 0, 0, 3 }));
        kafka.add(new RecordHeader("x-other", "T5".getBytes(StandardCharsets.UTF_8)));
        io.amlrouter.ingest.eventhubs.RecordHeaders h = io.amlrouter.ingest.eventhubs.RecordHeaders.of(kafka);
        assertThat(h.eventGrid()).containsExactly(Map.entry("aeg-subscription-name", "AML-EVENTS"),
                Map.entry("aeg-event-type", "Notification"), Map.entry("aeg-delivery-count", "3"));
        assertThat(h.eventGridDeliveryCount()).isEqualTo(3);
        assertThat(h.get("x-other")).isEqualTo("T5");
    }
}
