package io.amlrouter.actions.deadletter;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.actions.email.EmailConfig;
import io.amlrouter.actions.email.EmailProcessor;
import io.amlrouter.deadletter.DeadLetter;
import io.amlrouter.ledger.LedgerConfig;
import io.amlrouter.observability.LogContext;
import io.amlrouter.observability.TextLog;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.Startup;

/**
 * Passes every dead letter to the configured destinations: a plain mail to
 * {@code ledger.dead-letter.email} (through the SMTP server of the email actions) and/or a JSON POST to
 * {@code ledger.dead-letter.webhook-url}. Best effort: the dead letter is already logged, counted and
 * kept in the history; a destination that fails is logged at WARN and not retried.
 * <p>
 * Created at startup ({@link Startup}), and with it the mailer's SMTP client: a Vert.x client created
 * lazily, inside the first request's handling, belongs to the HTTP server's context and is closed with
 * the HTTP server on shutdown, which cut the mails still being sent after the HTTP drain (seen in
 * GracefulShutdownIT).
 */
@Startup
@ApplicationScoped
public class DeadLetterForwarder {

    private static final Logger LOG = Logger.getLogger(DeadLetterForwarder.class);

    private final ReactiveMailer mailer;
    private final ObjectMapper json;
    private final Optional<String> email;
    private final Optional<URI> webhook;
    private final Duration webhookTimeout;
    private final boolean mailToLog;
    private volatile HttpClient http;

    @Inject
    public DeadLetterForwarder(ReactiveMailer mailer, ObjectMapper json, LedgerConfig config, EmailProcessor emails) {
        this(mailer, json, config.deadLetter().email(), config.deadLetter().webhookUrl(),
                config.deadLetter().webhookTimeout(), emails.delivery() == EmailConfig.Delivery.LOG);
    }

    /**
     * @param mailToLog the email actions write their mails to the log ({@code email.delivery=log}): the
     *            dead-letter mail is written there too instead of going to an SMTP server nobody configured
     */
    DeadLetterForwarder(ReactiveMailer mailer, ObjectMapper json, Optional<String> email, Optional<URI> webhook,
            Duration webhookTimeout, boolean mailToLog) {
        this.mailer = mailer;
        this.json = json;
        this.email = email.filter(a -> !a.isBlank());
        this.webhook = webhook;
        this.webhookTimeout = webhookTimeout;
        this.mailToLog = mailToLog;
    }

    /** Starts the sends and returns at once (called on the event loop, by {@code DeadLetterLog}). */
    void onDeadLetter(@Observes DeadLetter letter) {
        email.ifPresent(to -> mail(to, letter));
        webhook.ifPresent(url -> post(url, letter));
    }

    private void mail(String to, DeadLetter letter) {
        if (mailToLog) {
            try (LogContext c = mdc(letter)) {
                TextLog.info(LOG, "Dead-letter mail NOT SENT (email delivery is log)\n  To: %s\n  Subject: %s\n\n%s"
                        .formatted(to, DeadLetterMail.subject(letter), DeadLetterMail.text(letter)));
            }
            return;
        }
        Mail mail = Mail.withText(to, DeadLetterMail.subject(letter), DeadLetterMail.text(letter));
        mailer.send(mail).subscribe().with(ignored -> {
            try (LogContext c = mdc(letter)) {
                LOG.infof("Dead letter of event %s, rule %s, action %d mailed to %s", letter.eventId(), letter.rule(),
                        letter.action(), to);
            }
        }, failure -> {
            try (LogContext c = mdc(letter)) {
                LOG.warnf("Dead letter of event %s, rule %s, action %d could not be mailed to %s: %s",
                        letter.eventId(), letter.rule(), letter.action(), to, failure.getMessage());
            }
        });
    }

    private void post(URI url, DeadLetter letter) {
        String body;
        try {
            body = json.writeValueAsString(DeadLetterMail.payload(letter, json));
        } catch (JsonProcessingException e) {
            try (LogContext c = mdc(letter)) {
                LOG.warnf("Dead letter of event %s cannot be written as JSON: %s", letter.eventId(), e.getMessage());
            }
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(url).timeout(webhookTimeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        client().sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            try (LogContext c = mdc(letter)) {
                logPosted(url, letter, response, failure);
            }
        });
    }

    private static LogContext mdc(DeadLetter letter) {
        return LogContext.ofAction(letter.eventId(), letter.eventType(), letter.subject(), letter.rule(),
                letter.action(), letter.kind());
    }

    private static void logPosted(URI url, DeadLetter letter, HttpResponse<Void> response, Throwable failure) {
        if (failure != null) {
            LOG.warnf("Dead letter of event %s, rule %s, action %d could not be posted to %s: %s", letter.eventId(),
                    letter.rule(), letter.action(), url, failure.getMessage());
        } else if (response.statusCode() / 100 != 2) {
            LOG.warnf("Dead letter of event %s, rule %s, action %d: %s answered %d", letter.eventId(), letter.rule(),
                    letter.action(), url, response.statusCode());
        } else {
            LOG.infof("Dead letter of event %s, rule %s, action %d posted to %s", letter.eventId(), letter.rule(),
                    letter.action(), url);
        }
    }

    private HttpClient client() {
        HttpClient c = http;
        if (c == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(webhookTimeout)
                            .followRedirects(HttpClient.Redirect.NEVER).build();
                }
                c = http;
            }
        }
        return c;
    }
}
