package io.amlrouter.ingest.eventhubs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record's headers as text. Event Grid sets its {@code aeg-*} properties on the event hub message through
 * AMQP; Event Hubs' Kafka endpoint hands AMQP application properties to Kafka consumers as their AMQP
 * encoding (a type byte, then the value), while a Kafka producer's headers are plain UTF-8. Both are read:
 * an AMQP string, symbol or integer is decoded, anything else is taken as UTF-8 text.
 */
record RecordHeaders(Map<String, String> values) {

    /** Event Grid's headers kept in history: subscription, delivery count, event type, versions, output id. */
    static final String AEG_PREFIX = "aeg-";

    RecordHeaders {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    static RecordHeaders of(Headers headers) {
        Map<String, String> values = new LinkedHashMap<>();
        if (headers != null) {
            for (Header h : headers) {
                if (h.key() != null && h.value() != null) {
                    // The last value of a repeated header wins, as for HTTP headers read one by one.
                    values.put(h.key().toLowerCase(Locale.ROOT), text(h.value()));
                }
            }
        }
        return new RecordHeaders(values);
    }

    String get(String name) {
        return values.get(name);
    }

    /** Event Grid's {@code aeg-*} headers, in their order. */
    Map<String, String> eventGrid() {
        Map<String, String> aeg = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(AEG_PREFIX)) {
                aeg.put(k, v);
            }
        });
        return aeg;
    }

    /** The delivery count Event Grid announces ({@code aeg-delivery-count}), or -1 when absent or not a number. */
    int eventGridDeliveryCount() {
        String v = values.get("aeg-delivery-count");
        if (v == null) {
            return -1;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** A header value as text: AMQP-encoded (from Event Grid through Event Hubs) or UTF-8. */
    static String text(byte[] v) {
        if (v.length >= 2) {
            int type = v[0] & 0xff;
            // str8-utf8 / sym8: one length byte.
            if ((type == 0xa1 || type == 0xa3) && (v[1] & 0xff) == v.length - 2) {
                return new String(v, 2, v.length - 2, StandardCharsets.UTF_8);
            }
            // str32-utf8 / sym32: four length bytes.
            if ((type == 0xb1 || type == 0xb3) && v.length >= 5 && ByteBuffer.wrap(v, 1, 4).getInt() == v.length - 5) {
                return new String(v, 5, v.length - 5, StandardCharsets.UTF_8);
            }
            if (printable(v)) {
                return new String(v, StandardCharsets.UTF_8);
            }
            // Numbers (only when the bytes are not text: "T5" is text, not an AMQP smallint).
            // smallint / smalluint / smallulong / smalllong: one byte.
            if ((type == 0x54 || type == 0x52 || type == 0x53 || type == 0x55) && v.length == 2) {
                return String.valueOf(type == 0x54 || type == 0x55 ? v[1] : v[1] & 0xff);
            }
            // int / uint: four bytes; long / ulong: eight.
            if ((type == 0x71 || type == 0x70) && v.length == 5) {
                return String.valueOf(type == 0x71 ? ByteBuffer.wrap(v, 1, 4).getInt()
                        : Integer.toUnsignedLong(ByteBuffer.wrap(v, 1, 4).getInt()));
            }
            if ((type == 0x81 || type == 0x80) && v.length == 9) {
                long l = ByteBuffer.wrap(v, 1, 8).getLong();
                return type == 0x81 ? String.valueOf(l) : Long.toUnsignedString(l);
            }
        }
        if (v.length == 1 && (v[0] & 0xff) == 0x43) {
            return "0"; // uint0
        }
        return new String(v, StandardCharsets.UTF_8);
    }

    private static boolean printable(byte[] v) {
        for (byte b : v) {
            if ((b & 0xff) < 0x20 || b == 0x7f) {
                return false;
            }
        }
        return true;
    }
}
