package io.amlrouter.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;

import io.amlrouter.support.ActionTestSupport;
import io.amlrouter.support.EventFixtures;
import io.amlrouter.support.GreenMailResource;
import io.amlrouter.support.WireMockResource;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.arc.Unremovable;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * Tracing turned on: the span tree of a routed event (HTTP server span, {@code route event},
 * {@code action <kind>}, and the action's outbound call), the continuation of an HTTP {@code traceparent}
 * and of a CloudEvents {@code traceparent} extension attribute, and errors recorded on the action's span.
 * Spans go to an in-memory exporter (a CDI {@link io.opentelemetry.sdk.trace.export.SpanExporter} bean,
 * which Quarkus uses instead of OTLP). Its own profile, so its own Quarkus boot: the OpenTelemetry SDK is
 * configured at startup, and every other test runs with tracing off, as production does by default.
 */
@QuarkusTest
@TestProfile(TracingTest.TracingOn.class)
class TracingTest {

    static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT_SPAN = "00f067aa0ba902b7";

    public static class TracingOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // The batch processor exports every 5 s by default; each test would wait for it.
            return Map.of("quarkus.otel.sdk.disabled", "false", "quarkus.otel.bsp.schedule.delay", "50ms");
        }
    }

    @ApplicationScoped
    static class InMemoryExporter {
        @Produces
        @Singleton
        @Unremovable
        InMemorySpanExporter exporter() {
            return InMemorySpanExporter.create();
        }
    }

    @Inject
    InMemorySpanExporter spans;

    @BeforeEach
    void clear() {
        spans.reset();
    }

    @AfterEach
    void normalSmtp() {
        GreenMailResource.reset();
    }

    static Optional<SpanData> span(List<SpanData> all, String name, String eventId) {
        return all.stream().filter(s -> s.getName().equals(name))
                .filter(s -> eventId == null || eventId.equals(s.getAttributes().get(Tracing.EVENT_ID))).findFirst();
    }

    /** Waits for the action span of the event (the last of its tree to end, but for the server span). */
    List<SpanData> awaitTree(String eventId, String action) {
        await().atMost(Duration.ofSeconds(10)).until(() -> span(spans.getFinishedSpanItems(), action, eventId)
                .isPresent() && spans.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER));
        return spans.getFinishedSpanItems();
    }

    @Test
    void aRoutedEventIsASpanTreeUnderTheDeliverysHttpSpanWhichContinuesItsTraceparent() {
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        String id = event.get("id").asText();
        given().queryParam("key", "test-key-1").header("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN + "-01")
                .contentType(EventFixtures.contentType(event)).body(EventFixtures.delivery(event)).post("/events")
                .then().statusCode(200);

        List<SpanData> all = awaitTree(id, "action email");
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER && s.getTraceId().equals(TRACE_ID))
                .findFirst().orElseThrow();
        SpanData route = span(all, "route event", id).orElseThrow();
        SpanData action = span(all, "action email", id).orElseThrow();

        assertThat(server.getParentSpanId()).as("the delivery's traceparent is continued").isEqualTo(PARENT_SPAN);
        assertThat(route.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(route.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(route.getAttributes().get(Tracing.EVENT_TYPE))
                .isEqualTo("Microsoft.MachineLearningServices.RunStatusChanged");
        assertThat(route.getAttributes().get(Tracing.EVENT_SCHEMA)).isEqualTo("eventgrid");
        assertThat(route.getAttributes().get(TraceSpan.MATCHED_RULES)).containsExactly("mail-failed-runs");
        assertThat(route.getAttributes().get(TraceSpan.OUTCOME)).isEqualTo("done");

        assertThat(action.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(action.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(action.getAttributes().get(Tracing.ACTION_KIND)).isEqualTo("email");
        assertThat(action.getAttributes().get(Tracing.RULE)).isEqualTo("mail-failed-runs");
        assertThat(action.getAttributes().get(Tracing.ACTION)).isZero();
        assertThat(action.getAttributes().get(TraceSpan.OUTCOME)).isEqualTo("succeeded");
        assertThat(action.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        // The span tree is nested in time too.
        assertThat(action.getEndEpochNanos()).isLessThanOrEqualTo(route.getEndEpochNanos());
        assertThat(route.getEndEpochNanos()).isLessThanOrEqualTo(server.getEndEpochNanos());
        // The ingest key travels in the query string: no span may keep it.
        assertThat(server.getAttributes().get(QueryRedaction.URL_QUERY)).isEqualTo("key=REDACTED");
        assertThat(all).allSatisfy(s -> assertThat(s.getAttributes().asMap().values().toString())
                .doesNotContain("test-key-1"));
    }

    @Test
    void aCloudEventsTraceparentMakesTheRoutingPartOfItsProducersTraceLinkedToTheDelivery() {
        String producerTrace = "0af7651916cd43dd8448eb211c80319c";
        String producerSpan = "b7ad6b7169203331";
        ObjectNode event = EventFixtures.fresh("cloudevents/RunStatusChanged.json");
        event.put("traceparent", "00-" + producerTrace + "-" + producerSpan + "-01");
        String id = event.get("id").asText();
        given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events").then().statusCode(200);

        List<SpanData> all = awaitTree(id, "action email");
        SpanData route = span(all, "route event", id).orElseThrow();
        SpanData action = span(all, "action email", id).orElseThrow();
        SpanData server = all.stream().filter(s -> s.getKind() == SpanKind.SERVER)
                .filter(s -> s.getSpanId().equals(route.getLinks().get(0).getSpanContext().getSpanId())).findFirst()
                .orElseThrow();

        assertThat(route.getTraceId()).isEqualTo(producerTrace);
        assertThat(route.getParentSpanId()).isEqualTo(producerSpan);
        assertThat(route.getAttributes().get(Tracing.EVENT_SCHEMA)).isEqualTo("cloudevents");
        assertThat(route.getLinks()).singleElement()
                .satisfies(l -> assertThat(l.getSpanContext().getTraceId()).isEqualTo(server.getTraceId()));
        assertThat(server.getTraceId()).isNotEqualTo(producerTrace);
        assertThat(action.getTraceId()).isEqualTo(producerTrace);
        assertThat(action.getParentSpanId()).isEqualTo(route.getSpanId());
    }

    @Test
    void aFailedActionIsAnErrorOnItsSpan() {
        GreenMailResource.rejectRecipient("gone.for.tracing@contoso.com");
        ObjectNode event = EventFixtures.fresh("eventgrid/RunStatusChanged.json");
        EventFixtures.data(event).putObject("runTags").put("owner", "gone.for.tracing@contoso.com");
        String id = event.get("id").asText();
        given().queryParam("key", "test-key-1").contentType(EventFixtures.contentType(event))
                .body(EventFixtures.delivery(event)).post("/events").then().statusCode(200);

        SpanData action = span(awaitTree(id, "action email"), "action email", id).orElseThrow();
        assertThat(action.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(action.getStatus().getDescription()).contains("550");
        assertThat(action.getAttributes().get(TraceSpan.OUTCOME)).isEqualTo("failed-permanently");
    }

    @Test
    void theActionsOutboundCallIsAChildOfItsSpanAndCarriesTheTrace() {
        ObjectNode event = ActionTestSupport.runCompleted("webhook");
        String run = event.at("/data/runId").asText();
        String id = event.get("id").asText();
        StubMapping stub = WireMockResource.server().stubFor(post(urlPathEqualTo("/hooks/teams"))
                .withRequestBody(containing(run)).willReturn(ok()));
        try {
            ActionTestSupport.deliver(event).statusCode(200);
            List<SpanData> all = awaitTree(id, "action webhook");
            SpanData action = span(all, "action webhook", id).orElseThrow();
            await().atMost(Duration.ofSeconds(5)).until(() -> spans.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getKind() == SpanKind.CLIENT && s.getParentSpanId().equals(action.getSpanId())));
            String sent = WireMockResource.server().findAll(com.github.tomakehurst.wiremock.client.WireMock
                    .postRequestedFor(urlPathEqualTo("/hooks/teams")).withRequestBody(containing(run))).get(0)
                    .getHeader("traceparent");
            assertThat(sent).as("the receiver can continue the trace").contains(action.getTraceId());
        } finally {
            WireMockResource.server().removeStub(stub);
        }
    }
}
