package io.amlrouter.actions.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.jboss.resteasy.reactive.RestResponse;

/**
 * One HTTP answer, read whole: status, headers (names matched ignoring case) and the body as text.
 *
 * @param body the body, or "" when there was none
 */
public record HttpReply(int status, Map<String, List<String>> headers, String body) {

    public HttpReply {
        TreeMap<String, List<String>> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        headers.forEach((k, v) -> h.put(k, List.copyOf(v)));
        headers = java.util.Collections.unmodifiableMap(h);
        body = body == null ? "" : body;
    }

    /**
     * Reads a REST client answer. With the default exception mapper off, an error status comes back
     * with its body still unread (a buffered stream), a success with the body as text.
     */
    public static HttpReply of(RestResponse<String> response) {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        response.getStringHeaders().forEach(headers::put);
        Object entity = ((RestResponse<?>) response).getEntity();
        String body;
        if (entity == null) {
            body = "";
        } else if (entity instanceof String text) {
            body = text;
        } else if (entity instanceof InputStream in) {
            try (in) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            body = String.valueOf(entity);
        }
        return new HttpReply(response.getStatus(), headers, body);
    }

    /** What replaces a secret in a body. */
    public static final String REDACTED = "[REDACTED]";

    /**
     * The reply with every occurrence of these secrets in its body replaced by {@link #REDACTED}. A receiver
     * that echoes the credential it refused ("invalid token: Bearer ...") would otherwise put it in the
     * log, the history and the dead letters, which quote the body. For a header value with a scheme
     * ({@code Bearer xyz}) the credential alone is replaced too.
     */
    public HttpReply redacting(Collection<String> secrets) {
        String redacted = body;
        for (String secret : secrets) {
            if (secret == null || secret.isBlank()) {
                continue;
            }
            redacted = redacted.replace(secret, REDACTED);
            int space = secret.indexOf(' ');
            String credential = space < 0 ? "" : secret.substring(space + 1).strip();
            if (!credential.isEmpty()) {
                redacted = redacted.replace(credential, REDACTED);
            }
        }
        return redacted.equals(body) ? this : new HttpReply(status, headers, redacted);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.ofNullable(values.get(0));
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** The first characters of the body, on one line, for messages. */
    public String bodyExcerpt(int max) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() > max ? oneLine.substring(0, max) + "..." : oneLine;
    }
}
