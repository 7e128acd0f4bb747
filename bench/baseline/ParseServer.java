import java.io.ByteArrayOutputStream;
import java.io.IOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The parse-only baseline of the ingest benchmark (bench/run.sh, server "parse"): what any JSON-reading webhook has
 * to do at least. A Vert.x HttpServer (one per event loop, as BareServer and Quarkus) that reads the whole body,
 * parses it into a Jackson tree with the service's strictness (duplicate keys and trailing content rejected, floats
 * as BigDecimal), reads every event's id, type (eventType or CloudEvents type), subject and data as the service needs
 * them, and answers 200 with a small JSON per event: {"events":[{"id":"...","type":"...","state":"done"},...]}, the
 * shape of the service's answer. No rules, no ledger, no channel. A body that is not a JSON array or object of events
 * is answered 400.
 *
 *   java -cp <vertx-core + netty + jackson jars>:<classes> ParseServer PORT
 */
public final class ParseServer {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions());
        int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        for (int i = 0; i < instances; i++) {
            vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                    .requestHandler(req -> req.body().onComplete(body -> {
                        byte[] answer = body.succeeded() ? answer(body.result().getBytes()) : null;
                        if (answer == null) {
                            req.response().setStatusCode(400).end();
                        } else {
                            req.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                                    .end(Buffer.buffer(answer));
                        }
                    }))
                    .listen()
                    .onFailure(t -> {
                        System.err.println("ParseServer: cannot listen on 127.0.0.1:" + port + ": " + t);
                        System.exit(1);
                    });
        }
        System.out.println("ParseServer listening on 127.0.0.1:" + port + " with " + instances + " event loop(s)");
    }

    /** The answer naming every event, or null when the body is not events. */
    static byte[] answer(byte[] body) {
        try {
            JsonNode root = MAPPER.readTree(body);
            if (root == null || !(root.isArray() || root.isObject())) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 96 * root.size());
            try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
                g.writeStartObject();
                g.writeArrayFieldStart("events");
                for (JsonNode event : root.isArray() ? root : java.util.List.of(root)) {
                    JsonNode id = event.get("id");
                    JsonNode type = event.has("eventType") ? event.get("eventType") : event.get("type");
                    JsonNode subject = event.get("subject");
                    JsonNode data = event.get("data");
                    if (id == null || !id.isTextual() || type == null || !type.isTextual()
                            || (subject != null && !subject.isTextual()) || (data != null && !data.isObject())) {
                        return null;
                    }
                    g.writeStartObject();
                    g.writeStringField("id", id.textValue());
                    g.writeStringField("type", type.textValue());
                    g.writeStringField("state", "done");
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            return out.toByteArray();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
