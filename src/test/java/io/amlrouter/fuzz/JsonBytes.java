package io.amlrouter.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.amlrouter.events.EventTypes;

/**
 * A compact, mutation-friendly byte encoding of Jackson trees, so the structured fuzz targets get JSON values out of
 * raw fuzzer bytes and their seed corpus can be written from real filters and events ({@link #encode}).
 *
 * <p>
 * Every byte string decodes to some tree (missing bytes read as zero), so the fuzzer never wastes an input on a parse
 * error. Tags give cheap access to what hand-written JSON rarely has: nesting thousands of levels deep ({@code NEST}),
 * arrays of thousands of elements ({@code MANY}), numbers no double holds (big integers, decimals with extreme scales,
 * NaN and infinities as a YAML {@code .nan} gives them), odd Unicode and the vocabulary of Event Grid filters.
 *
 * <pre>
 * value := tag:u8 payload           tag % 16 picks:
 *   0 null  1 true  2 false  3 int8  4 int32  5 int64  6 double(bits:u64)
 *   7 bigint(len:u8, magnitude, sign by tag bit 4)  8 decimal(len:u8, unscaled, scale:i32)
 *   9 word(index:u8)  10 text(len:u16, utf8)  11 array(n:u8, value*n)  12 object(n:u8, (key value)*n)
 *   13 nest(n:u16, kind:u8, key, value)   kind % 3: [v], {key: v}, {key: [v]} applied n times (n &lt;= 20,000)
 *   14 many(n:u16, value)  an array of n copies (n &lt;= 2,000)   15 long text(n:u16, word)  a word repeated n times
 * key := k:u8 (k &lt; 0xF0: KEYS[k % KEYS.size()], else text(len:u8, utf8))
 * </pre>
 */
final class JsonBytes {

    /** Above this many nested containers, arrays and objects decode as null (the generator must not overflow itself). */
    static final int MAX_RECURSION = 24;
    /** Largest {@code NEST} count (and long-text repeat count). */
    static final int MAX_REPEAT = 20_000;
    /**
     * Largest {@code MANY} count. Its copies share one node, so the tree stands for count times the element: 2,000
     * copies of an element of a few hundred bytes is the order of the largest input the service reads (1 MiB). With
     * 20,000, one input stood for tens of MB of filters and its 240,000 violations took longer than the per-input
     * timeout: volume, not a defect (a 1 MiB rules file of invalid filters loads in about 2 s).
     */
    static final int MAX_MANY = 2_000;
    /** Largest long-text repeat count inside a {@code MANY}, for the same reason (a few KB per copy at most). */
    static final int MAX_REPEAT_IN_MANY = 32;

    static final List<String> KEYS = List.of(
            // filter object, advanced filter
            "includedEventTypes", "subjectBeginsWith", "subjectEndsWith", "isSubjectCaseSensitive",
            "enableAdvancedFilteringOnArrays", "advancedFilters", "anyOf", "operatorType", "key", "value", "values",
            // event attributes, both schemas
            "id", "topic", "subject", "eventType", "eventTime", "dataVersion", "metadataVersion", "type", "source",
            "time", "specversion", "data", "dataschema", "datacontenttype",
            // Azure ML data members and the examples' keys
            "runStatus", "runId", "experimentName", "runTags", "runProperties", "modelName", "modelVersion",
            "modelTags", "stage", "driftCoefficient", "serviceComputeType", "modelIds", "counter", "key1", "a", "b",
            // case variants and near misses
            "RunStatus", "EVENTTYPE", "Data", "Subject", "", "anyof", "advancedFilter");

    static final List<String> WORDS = List.of(
            // operators (and a near miss)
            "NumberIn", "NumberNotIn", "NumberLessThan", "NumberGreaterThan", "NumberLessThanOrEquals",
            "NumberGreaterThanOrEquals", "NumberInRange", "NumberNotInRange", "BoolEquals", "StringContains",
            "StringNotContains", "StringBeginsWith", "StringNotBeginsWith", "StringEndsWith", "StringNotEndsWith",
            "StringIn", "StringNotIn", "IsNullOrUndefined", "IsNotNull", "StringLike",
            // filter keys
            "data.runStatus", "data.modelTags.stage", "data.driftCoefficient", "data.counter", "data.key1", "data",
            "data.a.b", "data..a", "Data.RunStatus", "subject", "Subject", "eventType", "type", "topic", "source", "id",
            "time", "runStatus", " data.a",
            // event types
            EventTypes.RUN_COMPLETED, EventTypes.RUN_STATUS_CHANGED, EventTypes.MODEL_REGISTERED,
            EventTypes.MODEL_DEPLOYED, EventTypes.DATASET_DRIFT_DETECTED, EventTypes.DEPLOYMENT_SUCCEEDED,
            "All", "microsoft.machinelearningservices.runstatuschanged",
            // values
            "Failed", "Canceled", "failed", "Completed", "approved", "experiments/", "models/fraud-",
            "/workspaces/mlw-fraud-weu", "/subscriptions/5d2c8e71-94ab-4f3e-b0c6-1a7e3f9d2b48/resourceGroups/rg"
                    + "/providers/Microsoft.MachineLearningServices/workspaces/ws",
            "true", "false", "5", "0.5", "1e400", "NaN", "*", "?",
            // case folding that changes length or is not symmetric
            "İ", "ß", "ς", "Σ", "ﬀ", "\u212A", "\u0130stanbul", "\uD83D\uDE00", "\uD800", "\u0000", " ");

    private static final JsonNodeFactory F = JsonNodeFactory.withExactBigDecimals(true);

    private final byte[] in;
    private int pos;

    JsonBytes(byte[] in) {
        this.in = in;
    }

    /** Whether every byte has been read. */
    boolean exhausted() {
        return pos >= in.length;
    }

    /** The next value; zero bytes past the end read as {@code null}. */
    JsonNode value() {
        return value(0, false);
    }

    /**
     * @param inMany inside a {@code MANY}, where {@code NEST} and {@code MANY} read as null and long texts are short:
     *        the copies share one node, so nesting them would make a tree whose printed size is the product of the
     *        counts (billions of nodes from a few bytes), which no delivered event or rules file can be (1 MiB at most)
     */
    private JsonNode value(int depth, boolean inMany) {
        int tag = u8();
        switch (tag % 16) {
            case 0:
                return F.nullNode();
            case 1:
                return F.booleanNode(true);
            case 2:
                return F.booleanNode(false);
            case 3:
                return F.numberNode((int) (byte) u8());
            case 4:
                return F.numberNode(i32());
            case 5:
                return F.numberNode(i64());
            case 6:
                return F.numberNode(Double.longBitsToDouble(i64()));
            case 7: {
                BigInteger magnitude = new BigInteger(1, bytes(u8()));
                return F.numberNode((tag & 0x10) != 0 ? magnitude.negate() : magnitude);
            }
            case 8: {
                BigInteger unscaled = new BigInteger(1, bytes(u8()));
                return F.numberNode(new BigDecimal((tag & 0x10) != 0 ? unscaled.negate() : unscaled, i32()));
            }
            case 9:
                return F.textNode(WORDS.get(u8() % WORDS.size()));
            case 10:
                return F.textNode(utf8(bytes(u16())));
            case 11: {
                int n = u8();
                if (depth >= MAX_RECURSION) {
                    return F.nullNode();
                }
                ArrayNode array = F.arrayNode();
                for (int i = 0; i < n && !exhausted(); i++) {
                    array.add(value(depth + 1, inMany));
                }
                return array;
            }
            case 12: {
                int n = u8();
                if (depth >= MAX_RECURSION) {
                    return F.nullNode();
                }
                ObjectNode object = F.objectNode();
                for (int i = 0; i < n && !exhausted(); i++) {
                    String key = key();
                    object.set(key, value(depth + 1, inMany));
                }
                return object;
            }
            case 13: {
                int n = Math.min(u16(), MAX_REPEAT);
                int kind = u8() % 3;
                String key = key();
                JsonNode node = value(depth + 1, inMany);
                if (inMany) {
                    return F.nullNode();
                }
                for (int i = 0; i < n; i++) {
                    node = switch (kind) {
                        case 0 -> F.arrayNode().add(node);
                        case 1 -> F.objectNode().set(key, node);
                        default -> F.objectNode().set(key, F.arrayNode().add(node));
                    };
                }
                return node;
            }
            case 14: {
                int n = Math.min(u16(), MAX_MANY);
                JsonNode element = value(depth + 1, true);
                if (inMany) {
                    return F.nullNode();
                }
                ArrayNode array = F.arrayNode();
                for (int i = 0; i < n; i++) {
                    array.add(element);
                }
                return array;
            }
            default: {
                int n = Math.min(u16(), inMany ? MAX_REPEAT_IN_MANY : MAX_REPEAT);
                return F.textNode(WORDS.get(u8() % WORDS.size()).repeat(n));
            }
        }
    }

    private String key() {
        int k = u8();
        return k < 0xF0 ? KEYS.get(k % KEYS.size()) : utf8(bytes(u8()));
    }

    private int u8() {
        return pos < in.length ? in[pos++] & 0xFF : 0;
    }

    private int u16() {
        return u8() << 8 | u8();
    }

    private int i32() {
        return u16() << 16 | u16();
    }

    private long i64() {
        return (long) i32() << 32 | (i32() & 0xFFFF_FFFFL);
    }

    private byte[] bytes(int n) {
        int take = Math.max(0, Math.min(n, in.length - pos));
        byte[] out = new byte[take];
        System.arraycopy(in, pos, out, 0, take);
        pos += take;
        return out;
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // ---- encoding, for writing seeds from real filters and events ----

    /** The bytes that decode to {@code node} (containers of more than 255 members are cut to 255). */
    static byte[] encode(JsonNode... nodes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (JsonNode node : nodes) {
            encode(node, out);
        }
        return out.toByteArray();
    }

    private static void encode(JsonNode node, ByteArrayOutputStream out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.write(0);
        } else if (node.isBoolean()) {
            out.write(node.booleanValue() ? 1 : 2);
        } else if (node.isInt() && node.intValue() == (byte) node.intValue()) {
            out.write(3);
            out.write(node.intValue());
        } else if (node.isInt()) {
            out.write(4);
            writeInt(out, node.intValue());
        } else if (node.isLong()) {
            out.write(5);
            writeLong(out, node.longValue());
        } else if (node.isBigInteger()) {
            BigInteger v = node.bigIntegerValue();
            out.write(v.signum() < 0 ? 7 | 0x10 : 7);
            writeMagnitude(out, v.abs());
        } else if (node.isBigDecimal()) {
            BigDecimal v = node.decimalValue();
            out.write(v.signum() < 0 ? 8 | 0x10 : 8);
            writeMagnitude(out, v.unscaledValue().abs());
            writeInt(out, v.scale());
        } else if (node.isNumber()) {
            out.write(6);
            writeLong(out, Double.doubleToRawLongBits(node.doubleValue()));
        } else if (node.isTextual()) {
            int word = WORDS.indexOf(node.textValue());
            if (word >= 0) {
                out.write(9);
                out.write(word);
            } else {
                byte[] text = node.textValue().getBytes(StandardCharsets.UTF_8);
                int n = Math.min(text.length, 0xFFFF);
                out.write(10);
                out.write(n >> 8);
                out.write(n);
                out.write(text, 0, n);
            }
        } else if (node.isArray()) {
            int n = Math.min(node.size(), 255);
            out.write(11);
            out.write(n);
            for (int i = 0; i < n; i++) {
                encode(node.get(i), out);
            }
        } else {
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext() && fields.size() < 255;) {
                fields.add(it.next());
            }
            out.write(12);
            out.write(fields.size());
            for (Map.Entry<String, JsonNode> field : fields) {
                writeKey(out, field.getKey());
                encode(field.getValue(), out);
            }
        }
    }

    private static void writeKey(ByteArrayOutputStream out, String key) {
        int k = KEYS.indexOf(key);
        if (k >= 0) {
            out.write(k);
        } else {
            byte[] text = key.getBytes(StandardCharsets.UTF_8);
            int n = Math.min(text.length, 255);
            out.write(0xF0);
            out.write(n);
            out.write(text, 0, n);
        }
    }

    private static void writeMagnitude(ByteArrayOutputStream out, BigInteger magnitude) {
        byte[] bytes = magnitude.toByteArray();
        int from = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        int n = Math.min(bytes.length - from, 255);
        out.write(n);
        out.write(bytes, from, n);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeLong(ByteArrayOutputStream out, long v) {
        writeInt(out, (int) (v >>> 32));
        writeInt(out, (int) v);
    }
}
