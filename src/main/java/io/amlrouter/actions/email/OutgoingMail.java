package io.amlrouter.actions.email;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedEmail;
import io.quarkus.mailer.Mail;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.mailencoder.MailEncoder;

/**
 * Turns a rendered mail into what the mailer sends, with the headers that trace it back: a
 * {@code Message-ID} derived from the action's key (so the ledger's external id names the mail, and a
 * mail sent twice after an ambiguous timeout carries the same id, which mail clients fold into one),
 * {@code X-AmlEventRouter-Event}, {@code -Event-Type} and {@code -Rule}, and the headers that tell
 * mail servers and out-of-office replies that nobody typed this mail.
 */
final class OutgoingMail {

    static final String EVENT_HEADER = "X-AmlEventRouter-Event";
    static final String EVENT_TYPE_HEADER = "X-AmlEventRouter-Event-Type";
    static final String RULE_HEADER = "X-AmlEventRouter-Rule";
    /** The right-hand side of message ids when the sender's address has no usable domain. */
    static final String FALLBACK_DOMAIN = "aml-event-router.invalid";

    private static final Pattern DOMAIN = Pattern.compile("^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$");
    private static final Pattern UNSAFE_HEADER_CHARS = Pattern.compile("[^\\x20-\\x7E]+");
    private static final int MAX_TRACE_HEADER = 200;

    private OutgoingMail() {
    }

    static Mail build(ActionTask task, RenderedEmail email, String messageId) {
        Mail mail = new Mail().setTo(email.to()).setCc(email.cc()).setBcc(email.bcc()).setSubject(email.subject());
        if (email.html() != null) {
            mail.setHtml(email.html());
        }
        if (email.text() != null) {
            mail.setText(email.text());
        }
        return mail.addHeader("Message-ID", messageId)
                .addHeader(EVENT_HEADER, traceValue(task.key().eventId()))
                .addHeader(EVENT_TYPE_HEADER, traceValue(task.event().type()))
                .addHeader(RULE_HEADER, traceValue(task.ruleName()))
                .addHeader("Auto-Submitted", "auto-generated")
                .addHeader("X-Auto-Response-Suppress", "All");
    }

    /**
     * The mail as it goes over SMTP (headers and MIME body), written by the same encoder the Quarkus mailer
     * uses (Vert.x' {@link MailEncoder}): {@code From} the sender, {@code To}, {@code Cc}, never {@code Bcc}
     * (blind copies are envelope recipients only), our headers in place of generated ones.
     */
    static String encode(Mail mail, String from, String domain) {
        MultiMap headers = MultiMap.caseInsensitiveMultiMap();
        mail.getHeaders().forEach(headers::add);
        MailMessage message = new MailMessage().setFrom(from).setSubject(mail.getSubject()).setText(mail.getText())
                .setHtml(mail.getHtml()).setHeaders(headers);
        if (!mail.getTo().isEmpty()) {
            message.setTo(mail.getTo());
        }
        if (!mail.getCc().isEmpty()) {
            message.setCc(mail.getCc());
        }
        return new MailEncoder(message, domain).encode();
    }

    /**
     * {@code <hash.aml-event-router@domain>}: the same for every attempt of one action, different for
     * every other action. The hash keeps event ids (any text) out of a header with a strict syntax.
     */
    static String messageId(ActionKey key, String domain) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((key.eventId() + "\n" + key.rule() + "\n"
                    + key.actionIndex()).getBytes(StandardCharsets.UTF_8));
            return "<" + HexFormat.of().formatHex(digest, 0, 16) + ".aml-event-router@" + domain + ">";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The domain of a sender such as {@code aml@contoso.com} or {@code AML events <aml@contoso.com>}. */
    static String domainOf(Optional<String> from) {
        return from.map(f -> {
            int at = f.lastIndexOf('@');
            return at < 0 ? "" : f.substring(at + 1).replace(">", "").strip().toLowerCase(Locale.ROOT);
        }).filter(d -> DOMAIN.matcher(d).matches()).orElse(FALLBACK_DOMAIN);
    }

    /** Event ids and types come from the sender: printable ASCII only, one line, bounded. */
    static String traceValue(String value) {
        if (value == null) {
            return "-";
        }
        String clean = UNSAFE_HEADER_CHARS.matcher(value).replaceAll("?").strip();
        return clean.length() > MAX_TRACE_HEADER ? clean.substring(0, MAX_TRACE_HEADER) : clean;
    }
}
