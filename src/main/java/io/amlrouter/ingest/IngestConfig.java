package io.amlrouter.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.amlrouter.security.EntraSettings;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * The Event Grid webhook ({@code POST /events}). Environment variables follow the usual mapping, e.g.
 * {@code ingest.auth.keys} is {@code INGEST_AUTH_KEYS}. The body size limit is Quarkus'
 * {@code quarkus.http.limits.max-body-size} (1M here, Event Grid's own maximum).
 */
@ConfigMapping(prefix = "ingest")
public interface IngestConfig {

    /**
     * How long a delivery may wait for its events' actions before it is answered 503 (the actions go
     * on; the redelivery finds them done). Event Grid gives up on an answer after 30 s. Defaults to 20s.
     */
    @WithDefault("20s")
    Duration deadline();

    /** The {@code Retry-After} sent with every 503. Defaults to 30s. */
    @WithDefault("30s")
    Duration retryAfter();

    /**
     * Events processed at once on this replica; a delivery that would exceed it is answered 503 at
     * once, so memory stays bounded under a flood. Defaults to 1000.
     */
    @WithDefault("1000")
    int maxInFlight();

    /**
     * Bytes of request bodies held at once on this replica: declared by {@code Content-Length} and
     * reserved before a byte is read (a body without it, chunked, reserves
     * {@code quarkus.http.limits.max-body-size}), released when its delivery is answered. A delivery
     * arriving while this many bytes are held, or while {@link #maxInFlight()} events are in flight, is
     * answered 503 {@code overloaded} before its body is read, so the memory taken by bodies and their
     * parsing is bounded by this setting and not by the number of connections. As with the events, a
     * body arriving below the bound is taken whole: at most this plus one body are held. Defaults to 4M.
     */
    @WithDefault("4M")
    MemorySize maxBufferedBytes();

    /**
     * Refused deliveries are logged once per kind (answer, reason, subscription) per interval, with
     * one summary line counting the repeats, not one line each. Defaults to 60s.
     */
    @WithDefault("60s")
    Duration refusalLogInterval();

    /** The studio host used to build run links ({@code ml.azure.cn}, {@code ml.azure.us} in sovereign clouds). Defaults to https://ml.azure.com. */
    @WithDefault("https://ml.azure.com")
    String studioUrl();

    /** Bounds on parsing a body. */
    Json json();

    /** Who may deliver. */
    Auth auth();

    /** The CloudEvents abuse-protection handshake ({@code OPTIONS /events}). */
    Handshake handshake();

    interface Json {
        /** Events in one delivery. Defaults to 5000 (Event Grid's maximum batch). */
        @WithDefault("5000")
        int maxEvents();

        /** JSON nesting depth. Defaults to 64. */
        @WithDefault("64")
        int maxNestingDepth();

        /** Characters in one JSON number. Defaults to 100. */
        @WithDefault("100")
        int maxNumberLength();

        /** Characters in one property name. Defaults to 1024. */
        @WithDefault("1024")
        int maxNameLength();

        /**
         * Characters in one event id; a longer id rejects the delivery (400 naming the event and the
         * limit). Event Grid's ids are GUIDs (36 characters). Defaults to 256.
         */
        @WithDefault("256")
        int maxIdLength();
    }

    interface Auth {
        /**
         * Shared keys, accepted in the query parameter {@code key} (Event Grid's query-string secret) or
         * the header {@code X-Event-Key}. Several may be valid at once, for rotation. Comma-separated in
         * {@code INGEST_AUTH_KEYS}. No default.
         */
        Optional<List<String>> keys();

        /** Microsoft Entra ID bearer tokens (Entra-protected Event Grid delivery). */
        EntraSettings entra();

        /**
         * Development only: accept unauthenticated deliveries when neither keys nor Entra are
         * configured. Without it such a configuration refuses to start. Defaults to false (true in the
         * dev profile).
         */
        @WithDefault("false")
        boolean allowUnauthenticated();
    }

    interface Handshake {
        /** Origins ({@code WebHook-Request-Origin}) we consent to receive from; {@code *} for any. Defaults to *. */
        @WithDefault("*")
        List<String> allowedOrigins();

        /** The {@code WebHook-Allowed-Rate} we answer: requests per minute, or {@code *}. Defaults to *. */
        @WithDefault("*")
        String allowedRate();
    }
}
