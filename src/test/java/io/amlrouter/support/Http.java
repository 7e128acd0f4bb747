package io.amlrouter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A plain HTTP client for tests that talk to a {@link ServiceProcess}: deliveries, history, metrics. */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Http() {
    }

    /** An answer, with how long it took. {@code status} is -1 when the connection failed. */
    public record Reply(int status, String retryAfter, String contentType, String body, Duration took, String error) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    /** Delivers an event as Event Grid does (shared key in the query string). */
    public static Reply deliver(ServiceProcess service, Events.Delivery delivery) {
        return deliverAsync(service, delivery.body()).join();
    }

    public static CompletableFuture<Reply> deliverAsync(ServiceProcess service, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + "/events?key=" + ServiceProcess.INGEST_KEY))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request);
    }

    /** A POST with these headers (e.g. a wrong key, {@code aeg-subscription-name}). */
    public static CompletableFuture<Reply> post(ServiceProcess service, String pathAndQuery, byte[] body,
            java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(service.url() + pathAndQuery))
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return send(request.build());
    }

    public static Reply admin(ServiceProcess service, String method, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ServiceProcess.ADMIN_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return send(request).join();
    }

    public static Reply get(ServiceProcess service, String path) {
        return send(HttpRequest.newBuilder(URI.create(service.url() + path)).timeout(Duration.ofSeconds(30)).GET()
                .build()).join();
    }

    private static CompletableFuture<Reply> send(HttpRequest request) {
        long start = System.nanoTime();
        return CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenApply(r -> new Reply(r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                        r.headers().firstValue("Content-Type").orElse(null), r.body(),
                        Duration.ofNanos(System.nanoTime() - start), null))
                .exceptionally(t -> new Reply(-1, null, null, null, Duration.ofNanos(System.nanoTime() - start),
                        String.valueOf(t.getCause() != null ? t.getCause() : t)));
    }
}
