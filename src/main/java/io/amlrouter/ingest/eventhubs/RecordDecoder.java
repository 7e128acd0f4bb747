package io.amlrouter.ingest.eventhubs;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.BodyFormat;
import io.amlrouter.events.Defect;
import io.amlrouter.events.EventDecoder;
import io.amlrouter.events.EventDecodingException;
import io.amlrouter.events.Inbound;
import io.amlrouter.events.MlEvent;

/**
 * One Kafka record to the events it holds, with the webhook's decoder (so the same schemas, limits and
 * defects). Event Grid writes one event per event hub message: a JSON object, or with some schemas an
 * array of one; both are read, and an array of several too. Two framings:
 * <ul>
 * <li>structured (Event Grid schema, or CloudEvents JSON): the value is the JSON, its {@code content-type}
 * header (if any) the media type;</li>
 * <li>CloudEvents Kafka binary mode: the attributes are {@code ce_*} headers and the value is the
 * {@code data}. The event is assembled as the structured JSON it stands for and then decoded the same way.</li>
 * </ul>
 */
final class RecordDecoder {

    static final String CE_PREFIX = "ce_";

    private final EventDecoder decoder;

    RecordDecoder(EventDecoder decoder) {
        this.decoder = decoder;
    }

    /** The record's items; throws when the record is not an acceptable event (a poison record). */
    List<Inbound> decode(byte[] value, RecordHeaders headers) throws EventDecodingException {
        if (headers.get(CE_PREFIX + "specversion") != null) {
            return decoder.decodeDelivery(binary(value, headers), BodyFormat.CLOUDEVENT);
        }
        String contentType = headers.get("content-type");
        Optional<BodyFormat> format = BodyFormat.fromContentType(contentType);
        if (format.isEmpty()) {
            throw new EventDecodingException(new Defect("content-type", "unsupported: " + contentType));
        }
        return decoder.decodeDelivery(value, format.get());
    }

    /**
     * The event with how it arrived (kept in its history): Event Grid's {@code aeg-*} headers of the record,
     * and {@code record}, where it was read ({@code topic/partition@offset}).
     */
    MlEvent withDelivery(MlEvent event, RecordHeaders headers, String record) {
        Map<String, String> details = new LinkedHashMap<>(headers.eventGrid());
        details.put("record", record);
        return decoder.typed(event.envelope().withDelivery(details));
    }

    /** The structured JSON a binary-mode CloudEvent stands for: its {@code ce_*} attributes and its data. */
    private byte[] binary(byte[] value, RecordHeaders headers) throws EventDecodingException {
        ObjectNode event = decoder.mapper().createObjectNode();
        for (Map.Entry<String, String> h : headers.values().entrySet()) {
            if (h.getKey().startsWith(CE_PREFIX) && h.getKey().length() > CE_PREFIX.length()) {
                event.put(h.getKey().substring(CE_PREFIX.length()), h.getValue());
            }
        }
        String contentType = headers.get("content-type");
        if (contentType != null) {
            event.put("datacontenttype", contentType);
        }
        if (value != null && value.length > 0) {
            if (contentType == null || contentType.toLowerCase().contains("json")) {
                JsonNode data = decoder.parse(value);
                event.set("data", data);
            } else {
                event.put("data", new String(value, StandardCharsets.UTF_8));
            }
        }
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }
}
