package io.amlrouter.actions.webhook;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.amlrouter.actions.http.CallResult;
import io.amlrouter.actions.http.GuardedHttp;
import io.amlrouter.actions.http.HttpReply;
import io.amlrouter.actions.http.Outbound;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedWebhook;
import io.smallrye.mutiny.Uni;

/**
 * Sends {@code webhook} actions: {@code POST} of the rendered JSON body with the static headers and
 * the secret ones, whose values are read from {@code actions.secrets.<name>} now and never logged (nor
 * kept: a receiver's answer that echoes them is redacted before anything quotes it).
 * A 2xx answer is success (its status is recorded); other answers are sorted like ARM's (408, 409,
 * 429 and 5xx retried, then transient; other 3xx/4xx permanent). One circuit breaker per origin. The host's
 * addresses are checked before every attempt ({@link GuardedHttp}); a refused one fails permanently.
 */
@ApplicationScoped
public class WebhookProcessor implements ActionExecutor<RenderedWebhook> {

    /** The header that names the action for the receiver: {@code EVENT_ID/RULE/INDEX}, stable across retries. */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Outbound calls;
    private final GuardedHttp http;
    private final Config config;

    public WebhookProcessor(Outbound calls, GuardedHttp http, Config config) {
        this.calls = calls;
        this.http = http;
        this.config = config;
    }

    @Override
    public Class<RenderedWebhook> handles() {
        return RenderedWebhook.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedWebhook action) {
        return send(task, action);
    }

    private Uni<ActionResult> send(ActionTask task, RenderedWebhook hook) {
        Map<String, String> headers = new LinkedHashMap<>(hook.headers());
        List<String> secrets = new ArrayList<>(hook.secretHeaders().size());
        for (Map.Entry<String, String> e : hook.secretHeaders().entrySet()) {
            Optional<String> value = config.getOptionalValue("actions.secrets." + e.getValue(), String.class);
            if (value.isEmpty() || value.get().isBlank()) {
                return Uni.createFrom().item(new ActionResult.FailedPermanently("secret \"" + e.getValue()
                        + "\" for header " + e.getKey() + " is not configured (actions.secrets." + e.getValue() + ")"));
            }
            headers.put(e.getKey(), value.get());
            secrets.add(value.get());
        }
        // The same key on every call and redelivery of this action (IETF draft-ietf-httpapi-idempotency-key-header):
        // a receiver that honours it sees the effect once even when a crash between the call and the ledger's record
        // makes the action run again. A header of that name in the rule wins.
        if (headers.keySet().stream().noneMatch(IDEMPOTENCY_KEY::equalsIgnoreCase)) {
            headers.put(IDEMPOTENCY_KEY, task.key().id());
        }
        URI url = URI.create(hook.url());
        String origin = url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "");
        String context = "Event " + task.key().eventId() + " rule " + task.ruleName() + " action "
                + task.key().actionIndex() + " (webhook " + origin + ")";
        String body = hook.body().toString();
        return calls.call("webhook " + origin, context, () -> http.post(url, headers, body)
                .map(r -> r.redacting(secrets)))
                .map(result -> outcome(origin, result));
    }

    private static ActionResult outcome(String origin, CallResult result) {
        if (result instanceof CallResult.Ok ok) {
            return new ActionResult.Succeeded("HTTP " + ok.reply().status(), "posted to " + origin);
        }
        if (result instanceof CallResult.Rejected rejected) {
            HttpReply r = rejected.reply();
            return new ActionResult.FailedPermanently("webhook " + origin + " answered HTTP " + r.status()
                    + (r.body().isBlank() ? "" : ": " + r.bodyExcerpt(300)));
        }
        if (result instanceof CallResult.Refused refused) {
            return new ActionResult.FailedPermanently("webhook " + origin + " not called: " + refused.reason());
        }
        return new ActionResult.FailedTransiently("webhook " + origin + ": " + ((CallResult.Unavailable) result).reason());
    }
}
