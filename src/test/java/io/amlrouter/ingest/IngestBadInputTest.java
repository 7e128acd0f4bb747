package io.amlrouter.ingest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.amlrouter.support.TestData;
import io.restassured.RestAssured;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Every kind of bad body gets a 400 problem document naming the defect (never a 5xx, never a hang),
 * or 413 when it is too large to read; the service stays healthy and takes the next good event.
 */
@QuarkusTest
class IngestBadInputTest {

    static final String JSON = "application/json; charset=utf-8";

    static Stream<Arguments> badBodies() {
        return Stream.of(
                Arguments.of("truncated", utf8("[{\"id\":\"a\",\"eventType\":"), "body", "not valid JSON"),
                Arguments.of("not JSON", utf8("hello"), "body", "not valid JSON"),
                Arguments.of("empty", new byte[0], "body", "the body is empty"),
                Arguments.of("scalar top level", utf8("42"), "body", "expected a JSON array of events or one event object, got a number"),
                Arguments.of("string top level", utf8("\"x\""), "body", "got a string"),
                Arguments.of("empty array", utf8("[]"), "body", "the array holds no event"),
                Arguments.of("array of scalars", utf8("[1]"), "[0]", "expected an event object, got a number"),
                Arguments.of("no id", utf8("[{\"eventType\":\"T\",\"subject\":\"s\"}]"), "[0].id", "missing"),
                Arguments.of("no type", utf8("[{\"id\":\"a\"}]"), "[0].eventType", "missing"),
                Arguments.of("cloudevent without type", utf8("{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\"}"), "type", "missing"),
                Arguments.of("blank id", utf8("[{\"id\":\" \",\"eventType\":\"T\"}]"), "[0].id", "must not be blank"),
                Arguments.of("300-character id", utf8("[{\"id\":\"" + "i".repeat(300) + "\",\"eventType\":\"T\"}]"), "[0].id", "is 300 characters long; at most 256 are accepted"),
                Arguments.of("cloudevent with a 900,000-character id", utf8("{\"specversion\":\"1.0\",\"id\":\"" + "i".repeat(900_000) + "\",\"type\":\"T\",\"source\":\"s\"}"), "id", "at most 256 are accepted"),
                Arguments.of("numeric id", utf8("[{\"id\":7,\"eventType\":\"T\"}]"), "[0].id", "must be a string, got a number"),
                Arguments.of("duplicate keys", utf8("[{\"id\":\"a\",\"id\":\"b\",\"eventType\":\"T\"}]"), "body", "Duplicate field 'id'"),
                Arguments.of("trailing content", utf8("[{\"id\":\"a\",\"eventType\":\"T\"}] x"), "body", "not valid JSON"),
                Arguments.of("invalid UTF-8", bytes("[{\"id\":\"", new byte[] { (byte) 0xC3, (byte) 0x28 }, "\",\"eventType\":\"T\"}]"), "body", "UTF-8"),
                Arguments.of("NUL byte", bytes("[{\"id\":\"a", new byte[] { 0 }, "\",\"eventType\":\"T\"}]"), "body", "not valid JSON"),
                Arguments.of("nesting depth 100000", utf8("[".repeat(100_000)), "body", "exceeds a parsing limit"),
                Arguments.of("number of 10^6 digits", utf8("[{\"id\":\"a\",\"eventType\":\"T\",\"data\":{\"n\":1" + "0".repeat(999_000) + "}}]"), "body", "exceeds a parsing limit"),
                Arguments.of("50,000-character property name", utf8("[{\"id\":\"a\",\"eventType\":\"T\",\"data\":{\"" + "k".repeat(50_000) + "\":1}}]"), "body", "exceeds a parsing limit"),
                Arguments.of("5,001 events", utf8(manyEvents(5001)), "body", "the array holds 5001 events; at most 5000 are accepted"),
                Arguments.of("our own synthetic type", utf8("[{\"id\":\"a\",\"eventType\":\"AmlEventRouter.DeploymentFailed\"}]"), "[0].eventType", "is published by this service itself"),
                Arguments.of("same id, different payloads", utf8("[{\"id\":\"a\",\"eventType\":\"T\",\"subject\":\"1\"},{\"id\":\"a\",\"eventType\":\"T\",\"subject\":\"2\"}]"), "[1].id", "also names event [0] with different content"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodies")
    void badBodyIs400NamingTheDefect(String name, byte[] body, String field, String reason) {
        given().queryParam("key", "test-key-1").contentType(JSON).body(body).post("/events")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItem(field))
                .body("errors.reason", hasItem(containsString(reason)));
    }

    @Test
    void unsupportedContentTypeIs400() {
        given().queryParam("key", "test-key-1").contentType("text/plain").body(TestData.bytes("events/cloudevents/RunCompleted.json"))
                .post("/events").then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("Content-Type"));
        given().queryParam("key", "test-key-1").contentType("application/json; charset=iso-8859-1").body("[]")
                .post("/events").then().statusCode(400);
    }

    @Test
    void bodyOverTheLimitIs413BeforeItIsRead() {
        byte[] body = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(body, (byte) ' ');
        given().queryParam("key", "test-key-1").contentType(JSON).body(body).post("/events")
                .then().statusCode(413).contentType("application/problem+json").body("title", equalTo("Body too large"));
    }

    @Test
    void twentyMegabyteStringIsStoppedByTheSizeLimit() {
        byte[] prefix = utf8("[{\"id\":\"a\",\"eventType\":\"T\",\"data\":{\"s\":\"");
        byte[] body = new byte[20 * 1024 * 1024];
        java.util.Arrays.fill(body, (byte) 'x');
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        given().queryParam("key", "test-key-1").contentType(JSON).body(body).post("/events")
                .then().statusCode(413);
    }

    /**
     * A chunked body declares no length, so it is cut off once what was read passes the limit: the same 413 problem
     * document, and the connection is closed (the rest of the body is not read). Raw HTTP/1.1, since the clients at
     * hand either send a length or fail on the early answer while they are still writing.
     */
    @Test
    void chunkedBodyOverTheLimitIs413WhenItPassesIt() throws Exception {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(utf8("POST /events?key=test-key-1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + JSON
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n"));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            for (int sent = 0; sent < 1024 * 1024; sent += chunk.length) { // 1 MiB, the limit: still read
                out.write(utf8(Integer.toHexString(chunk.length) + "\r\n"));
                out.write(chunk);
                out.write(utf8("\r\n"));
            }
            out.write(utf8("1\r\n \r\n")); // one byte more (and nothing after it, so the server has read all it was sent)
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("content-type: application/problem+json")
                    .contains("\"title\":\"Body too large\"");
        }
    }

    @AfterEach
    void serviceStaysHealthyAndTakesTheNextEvent() {
        given().get("/q/health/ready").then().statusCode(200);
        given().queryParam("key", "test-key-1").contentType("application/cloudevents+json; charset=utf-8")
                .body(TestData.bytes("events/cloudevents/ModelRegistered.json")).post("/events")
                .then().statusCode(200).body("events[0].state", startsWith("done"));
    }

    private static String manyEvents(int n) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"e").append(i).append("\",\"eventType\":\"T\"}");
        }
        return sb.append(']').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String a, byte[] mid, String b) {
        byte[] x = utf8(a);
        byte[] z = utf8(b);
        byte[] out = new byte[x.length + mid.length + z.length];
        System.arraycopy(x, 0, out, 0, x.length);
        System.arraycopy(mid, 0, out, x.length, mid.length);
        System.arraycopy(z, 0, out, x.length + mid.length, z.length);
        return out;
    }
}
