package io.amlrouter.events;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Bytes to events, for the webhook and for the dry run. Accepts Event Grid schema arrays, single
 * CloudEvents and CloudEvents batches under any of the three JSON media types (Microsoft's own
 * receivers accept an object or an array, and the docs show both). A body with any defect is
 * rejected whole, naming every defect with the index of the event it is in: Event Grid delivers a
 * batch all or none, so partial acceptance would lose events.
 */
public final class EventDecoder {

    private final ObjectMapper mapper;
    /** Reads one value where the parser stands, leaving what follows to the caller (no trailing-content check). */
    private final ObjectReader valueReader;
    private final JsonLimits limits;
    private final MlEventMapper typed;

    public EventDecoder(JsonLimits limits, MlEventMapper typed) {
        this(limits, typed, limits.newMapper());
    }

    /** With the mapper {@code limits.newMapper()} made (a test counts the parsers it creates). */
    EventDecoder(JsonLimits limits, MlEventMapper typed, ObjectMapper mapper) {
        this.limits = limits;
        this.mapper = mapper;
        this.valueReader = mapper.readerFor(JsonNode.class).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        this.typed = typed;
    }

    /** The strict mapper this decoder parses with (also used to decode single events for the dry run). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** The type prefix of the events this service publishes itself (deployment outcomes). */
    public static final String RESERVED_TYPE_PREFIX = "AmlEventRouter.";

    /**
     * Decodes a delivery from outside: like {@link #decode}, and an event claiming one of our own
     * {@code AmlEventRouter.*} types is a defect, so no sender can forge a deployment outcome.
     */
    public List<Inbound> decodeDelivery(byte[] body, BodyFormat format) throws EventDecodingException {
        return decode(body, format, false);
    }

    /**
     * Decodes events for the dry run, where our own synthetic types are allowed. Duplicate ids with
     * identical content are kept once; with different content they are a defect.
     */
    public List<Inbound> decode(byte[] body, BodyFormat format) throws EventDecodingException {
        return decode(body, format, true);
    }

    /** A delivery's events as trees, each with its text as received (null where it could not be sliced out). */
    record Parsed(boolean array, List<JsonNode> items, List<String> texts) {
    }

    private List<Inbound> decode(byte[] body, BodyFormat format, boolean allowReserved) throws EventDecodingException {
        Parsed parsed = onePass(body);
        if (parsed == null) {
            parsed = twoPasses(body);
        }
        boolean array = parsed.array();
        List<JsonNode> items = parsed.items();
        List<String> texts = parsed.texts();
        List<Defect> defects = new ArrayList<>();
        List<Inbound> out = new ArrayList<>(items.size());
        Map<String, Integer> firstIndexById = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String at = array ? "[" + i + "]" : "";
            JsonNode item = items.get(i);
            if (!item.isObject()) {
                defects.add(new Defect(at.isEmpty() ? "body" : at, "expected an event object, got " + kind(item)));
                continue;
            }
            Inbound inbound = decodeEvent((ObjectNode) item, at, format, defects, texts == null ? null : texts.get(i));
            if (inbound == null) {
                continue;
            }
            if (!allowReserved && inbound instanceof Inbound.Notification n
                    && n.event().type().regionMatches(true, 0, RESERVED_TYPE_PREFIX, 0, RESERVED_TYPE_PREFIX.length())) {
                defects.add(new Defect((at.isEmpty() ? "" : at + ".") + (n.event().envelope().schema() == EventSchema.CLOUD_EVENTS
                        ? "type" : "eventType"), "\"" + n.event().type() + "\" is published by this service itself and "
                        + "cannot be delivered from outside"));
                continue;
            }
            Integer first = firstIndexById.putIfAbsent(inbound.id(), i);
            if (first != null) {
                if (!items.get(first).equals(item)) {
                    defects.add(new Defect(at + ".id", "id \"" + inbound.id() + "\" also names event [" + first
                            + "] with different content"));
                }
                continue;
            }
            out.add(inbound);
        }
        if (!defects.isEmpty()) {
            throw new EventDecodingException(defects);
        }
        return out;
    }

    /**
     * A well-formed delivery of at most {@code maxEvents} events in one tokenizing pass: each event is read into its
     * tree where it stands, and its text is sliced out of the body between the offsets of its braces. Null for
     * anything else (not JSON, an empty or too long array, a scalar, trailing content, a limit passed, ...): the
     * delivery then goes through {@link #twoPasses}, which names the defect exactly as before.
     */
    Parsed onePass(byte[] body) {
        if (body == null || body.length == 0) {
            return null;
        }
        try (JsonParser p = mapper.createParser(body)) {
            JsonToken t = p.nextToken();
            Parsed parsed;
            if (t == JsonToken.START_OBJECT) {
                long start = p.currentTokenLocation().getByteOffset();
                JsonNode item = valueReader.readTree(p);
                parsed = new Parsed(false, List.of(item), java.util.Collections.singletonList(slice(body, start,
                        p.currentLocation().getByteOffset())));
            } else if (t == JsonToken.START_ARRAY) {
                List<JsonNode> items = new ArrayList<>();
                List<String> texts = new ArrayList<>();
                for (t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    if (t == null || items.size() == limits.maxEvents()) {
                        return null;
                    }
                    long start = p.currentTokenLocation().getByteOffset();
                    JsonNode item = valueReader.readTree(p);
                    items.add(item);
                    texts.add(t == JsonToken.START_OBJECT ? slice(body, start, p.currentLocation().getByteOffset()) : null);
                }
                if (items.isEmpty()) {
                    return null;
                }
                parsed = new Parsed(true, items, texts);
            } else {
                return null;
            }
            return p.nextToken() == null ? parsed : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The text between two byte offsets when it is one object's, else null. */
    private static String slice(byte[] body, long start, long end) {
        if (start < 0 || end > body.length || end - start < 2 || body[(int) start] != '{' || body[(int) end - 1] != '}') {
            return null;
        }
        return new String(body, (int) start, (int) (end - start), StandardCharsets.UTF_8);
    }

    /** The delivery parsed whole (naming its defects), then each event's text sliced out by a second pass. */
    Parsed twoPasses(byte[] body) throws EventDecodingException {
        JsonNode root = parse(body);
        List<JsonNode> items;
        if (root.isArray()) {
            if (root.isEmpty()) {
                throw new EventDecodingException(new Defect("body", "the array holds no event"));
            }
            if (root.size() > limits.maxEvents()) {
                throw new EventDecodingException(new Defect("body",
                        "the array holds " + root.size() + " events; at most " + limits.maxEvents() + " are accepted"));
            }
            items = new ArrayList<>(root.size());
            root.forEach(items::add);
        } else if (root.isObject()) {
            items = List.of(root);
        } else {
            throw new EventDecodingException(new Defect("body",
                    "expected a JSON array of events or one event object, got " + kind(root)));
        }
        return new Parsed(root.isArray(), items, eventTexts(body, items.size()));
    }

    /** Parses bytes into a tree under this decoder's limits. */
    public JsonNode parse(byte[] body) throws EventDecodingException {
        if (body == null || body.length == 0) {
            throw new EventDecodingException(new Defect("body", "the body is empty"));
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new EventDecodingException(new Defect("body", "the body holds no JSON value"));
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw new EventDecodingException(new Defect("body", "exceeds a parsing limit: " + firstLine(e)));
        } catch (JsonProcessingException e) {
            throw new EventDecodingException(new Defect("body", "not valid JSON: " + firstLine(e)
                    + (e.getLocation() == null ? ""
                            : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()
                                    + ")")));
        } catch (IOException e) {
            throw new EventDecodingException(new Defect("body", "unreadable: " + firstLine(e)));
        } catch (NumberFormatException e) {
            // Jackson throws this unwrapped when a number is short enough for maxNumberLength but cannot be held,
            // e.g. 1e99999999999 as a BigDecimal (its exponent overflows an int). Found by EventDecoderFuzzTest.
            throw new EventDecodingException(new Defect("body", "not valid JSON: a number cannot be read: "
                    + firstLine(e)));
        }
    }

    /**
     * Decodes one event object; adds defects (prefixed by {@code at}) and returns null when it is not
     * acceptable.
     */
    public Inbound decodeEvent(ObjectNode event, String at, BodyFormat format, List<Defect> defects) {
        return decodeEvent(event, at, format, defects, null);
    }

    /**
     * Each top-level event object's JSON text, sliced out of the body's bytes by a second, tokenizing pass
     * (cheaper than writing every parsed tree out again for the ledger). Null when the texts cannot be had: a
     * body that is not UTF-8 (Jackson reports no byte offsets then) or any surprise; the tree is then serialized.
     * An element that is not an object has a null text.
     */
    private List<String> eventTexts(byte[] body, int count) {
        try (JsonParser p = mapper.getFactory().createParser(body)) {
            JsonToken t = p.nextToken();
            List<String> texts = new ArrayList<>(count);
            if (t == JsonToken.START_OBJECT) {
                texts.add(slice(p, body));
            } else if (t == JsonToken.START_ARRAY) {
                for (t = p.nextToken(); t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    texts.add(t == JsonToken.START_OBJECT ? slice(p, body) : skip(p));
                }
            }
            return texts.size() == count ? texts : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The text of the object starting at the parser's current token, or null when it cannot be sliced. */
    private static String slice(JsonParser p, byte[] body) throws IOException {
        long start = p.currentTokenLocation().getByteOffset();
        p.skipChildren();
        return slice(body, start, p.currentLocation().getByteOffset());
    }

    private static String skip(JsonParser p) throws IOException {
        p.skipChildren();
        return null;
    }

    private Inbound decodeEvent(ObjectNode event, String at, BodyFormat format, List<Defect> defects, String text) {
        boolean cloudEvent = event.has("specversion") || event.has("specVersion")
                || (format != BodyFormat.JSON && !event.has("eventType"));
        String prefix = at.isEmpty() ? "" : at + ".";
        String idField = "id";
        String typeField = cloudEvent ? "type" : "eventType";
        int before = defects.size();
        String id = requiredString(event, idField, prefix, defects);
        if (id != null && id.length() > limits.maxIdLength()) {
            defects.add(new Defect(prefix + idField, "is " + id.length() + " characters long; at most "
                    + limits.maxIdLength() + " are accepted (ingest.json.max-id-length)"));
        }
        String type = requiredString(event, typeField, prefix, defects);
        if (defects.size() > before) {
            return null;
        }
        String subject = Json.scalarText(event.get("subject"));
        String time = Json.scalarText(event.get(cloudEvent ? "time" : "eventTime"));
        String topic = Json.scalarText(event.get(cloudEvent ? "source" : "topic"));
        String dataVersion = cloudEvent ? null : Json.scalarText(event.get("dataVersion"));
        if (type.equalsIgnoreCase(EventTypes.SUBSCRIPTION_VALIDATION)) {
            JsonNode data = validationData(event.get("data"));
            String code = Json.text(data, "validationCode");
            if (code == null || code.isBlank()) {
                defects.add(new Defect(prefix + "data.validationCode", "missing in the subscription validation event"));
                return null;
            }
            return new Inbound.SubscriptionValidation(id, code, Json.text(data, "validationUrl"));
        }
        if (type.equalsIgnoreCase(EventTypes.SUBSCRIPTION_DELETED)) {
            return new Inbound.SubscriptionDeletion(id, Json.text(event.get("data"), "eventSubscriptionId"));
        }
        EventEnvelope env = new EventEnvelope(id, type, subject, time, topic, dataVersion,
                cloudEvent ? EventSchema.CLOUD_EVENTS : EventSchema.EVENT_GRID,
                Workspace.fromArmId(topic).orElse(null), event, text);
        return new Inbound.Notification(typed.map(env));
    }

    /** Maps an envelope built elsewhere (synthetic events) to its typed view. */
    public MlEvent typed(EventEnvelope envelope) {
        return typed.map(envelope);
    }

    /** Microsoft's Functions extension sees CloudEvents validation data double-encoded as a JSON string. */
    private JsonNode validationData(JsonNode data) {
        if (data != null && data.isTextual()) {
            try {
                return mapper.readTree(data.textValue());
            } catch (IOException | NumberFormatException e) {
                // Not JSON after all (NumberFormatException: see parse); the code is then missing, a defect.
                return data;
            }
        }
        return data;
    }

    private static String requiredString(ObjectNode event, String field, String prefix, List<Defect> defects) {
        JsonNode value = event.get(field);
        if (value == null || value.isNull()) {
            defects.add(new Defect(prefix + field, "missing"));
            return null;
        }
        if (!value.isTextual()) {
            defects.add(new Defect(prefix + field, "must be a string, got " + kind(value)));
            return null;
        }
        if (value.textValue().isBlank()) {
            defects.add(new Defect(prefix + field, "must not be blank"));
            return null;
        }
        return value.textValue();
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase();
        };
    }

    private static String firstLine(Exception e) {
        String msg = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
        if (msg == null) {
            return e.getClass().getSimpleName();
        }
        int nl = msg.indexOf('\n');
        String line = nl < 0 ? msg : msg.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
