package io.amlrouter.actions.email;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.amlrouter.observability.TextLog;
import io.amlrouter.routing.ActionExecutor;
import io.amlrouter.routing.ActionHandOff;
import io.amlrouter.routing.ActionResult;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedEmail;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.smallrye.mutiny.Uni;

/**
 * Runs the {@code email} actions: sends each rendered mail through SMTP ({@link SmtpSender}: the relay
 * configured for the Quarkus mailer, in sessions that a deadline can cut before the final {@code .}), or, in
 * log mode, writes it to the log (with the mailer's mock mailbox on, as in dev mode, mails go there). The mode is decided and announced at startup
 * ({@link DeliveryMode}). The outcome goes to the ledger through {@link ActionHandOff}, with the mail's
 * {@code Message-ID} as external id; SMTP failures are sorted by {@link SmtpFailures}.
 */
@Startup
@ApplicationScoped
public class EmailProcessor implements ActionExecutor<RenderedEmail> {

    private static final Logger LOG = Logger.getLogger(EmailProcessor.class);

    private final ActionHandOff runner;
    private final ReactiveMailer mailer;
    private final EmailConfig config;
    private final DeliveryMode mode;
    private final String messageIdDomain;
    private final String from;
    /** The email actions' own SMTP sessions; null in log mode and with the mailer's mock mailbox. */
    private final SmtpSender smtp;
    private final LeftOutRecipients leftOut;

    public EmailProcessor(ActionHandOff runner, ReactiveMailer mailer, EmailConfig config, Config mpConfig,
            LeftOutRecipients leftOut) {
        this.runner = runner;
        this.leftOut = leftOut;
        this.mailer = mailer;
        this.config = config;
        this.mode = DeliveryMode.decide(config.delivery(), mpConfig);
        Optional<String> from = mpConfig.getOptionalValue("quarkus.mailer.from", String.class);
        this.from = from.orElse("");
        this.messageIdDomain = OutgoingMail.domainOf(from);
        announce(mpConfig, from);
        this.smtp = mode.delivery() == EmailConfig.Delivery.SMTP && !mock(mpConfig)
                ? new SmtpSender(SmtpSettings.from(mpConfig, this.from), config)
                : null;
    }

    @PreDestroy
    void close() {
        if (smtp != null) {
            smtp.close();
        }
    }

    /** The delivery mode in effect. */
    public EmailConfig.Delivery delivery() {
        return mode.delivery();
    }

    @Override
    public Class<RenderedEmail> handles() {
        return RenderedEmail.class;
    }

    @Override
    public Uni<ActionResult> execute(ActionTask task, RenderedEmail email) {
        return send(task, email);
    }

    Uni<ActionResult> send(ActionTask task, RenderedEmail email) {
        String messageId = OutgoingMail.messageId(task.key(), messageIdDomain);
        if (mode.delivery() == EmailConfig.Delivery.LOG) {
            TextLog.info(LOG, logEntry(task, email, messageId));
            return Uni.createFrom().item(ActionResult.succeeded(messageId, "written to the log, not sent ("
                    + mode.reason() + ")" + leftOut.record(task, email)));
        }
        int recipients = email.to().size() + email.cc().size() + email.bcc().size();
        Mail mail = OutgoingMail.build(task, email, messageId);
        Uni<Void> sent;
        if (smtp != null) {
            List<String> envelope = new ArrayList<>(email.to());
            envelope.addAll(email.cc());
            envelope.addAll(email.bcc());
            // Handed over when its SMTP session starts: a mail still waiting for a connection is released if cut.
            sent = smtp.send(new SmtpSender.Envelope(OutgoingMail.encode(mail, from, messageIdDomain), envelope),
                    () -> runner.handingOver(task.key()));
        } else {
            // The mailer's mock mailbox (dev mode): nothing leaves the process.
            sent = mailer.send(mail).ifNoItem().after(config.sendTimeout()).failWith(() -> new TimeoutException(
                    "no answer from the SMTP server within " + human(config.sendTimeout())));
        }
        return sent.map(ignored -> ActionResult.succeeded(messageId, "sent to " + recipients + " recipient(s)"
                + leftOut.record(task, email)))
                .onFailure().recoverWithItem(SmtpFailures::classify);
    }

    private static boolean mock(Config c) {
        return c.getOptionalValue("quarkus.mailer.mock", Boolean.class).orElse(LaunchMode.current().isDevOrTest());
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }

    /** What log mode prints for one mail: who it is for, its subject and its text (or HTML) body. */
    static String logEntry(ActionTask task, RenderedEmail email, String messageId) {
        StringBuilder sb = new StringBuilder("Mail NOT SENT (email delivery is log) for event ")
                .append(task.key().eventId()).append(", rule ").append(task.ruleName()).append(", action ")
                .append(task.key().actionIndex()).append('\n');
        sb.append("  Message-ID: ").append(messageId).append('\n');
        sb.append("  To: ").append(String.join(", ", email.to())).append('\n');
        appendIfAny(sb, "Cc", email.cc());
        appendIfAny(sb, "Bcc", email.bcc());
        sb.append("  Subject: ").append(email.subject()).append("\n\n");
        sb.append(email.text() != null ? email.text() : email.html());
        return sb.toString();
    }

    private static void appendIfAny(StringBuilder sb, String header, List<String> addresses) {
        if (!addresses.isEmpty()) {
            sb.append("  ").append(header).append(": ").append(String.join(", ", addresses)).append('\n');
        }
    }

    /** Says at startup, loudly, where mails go; refuses an SMTP mode that could not send a single mail. */
    private void announce(Config c, Optional<String> from) {
        if (mode.delivery() == EmailConfig.Delivery.LOG) {
            LOG.warnf("EMAIL DELIVERY: LOG ONLY. No mail is sent: each mail is written to this log instead (%s). "
                    + "To send mail set QUARKUS_MAILER_HOST and QUARKUS_MAILER_FROM (see docs/email.md).",
                    mode.reason());
            return;
        }
        if (from.isEmpty() || from.get().isBlank()) {
            throw new ConfigurationException("Email delivery is SMTP (" + mode.reason() + ") but quarkus.mailer.from "
                    + "(QUARKUS_MAILER_FROM) is not set, so every mail would be refused. Set the sender address, "
                    + "or set email.delivery=log (EMAIL_DELIVERY=log) to write mails to the log.");
        }
        String host = c.getOptionalValue(DeliveryMode.HOST, String.class).orElse("localhost");
        String port = c.getOptionalValue("quarkus.mailer.port", String.class).orElse("default");
        boolean tls = c.getOptionalValue("quarkus.mailer.tls", Boolean.class).orElse(false)
                || c.getOptionalValue("quarkus.mailer.ssl", Boolean.class).orElse(false);
        String startTls = c.getOptionalValue("quarkus.mailer.start-tls", String.class).orElse("OPTIONAL");
        boolean login = c.getOptionalValue("quarkus.mailer.username", String.class).filter(u -> !u.isBlank())
                .isPresent();
        LOG.infof("EMAIL DELIVERY: SMTP via %s:%s (%s, %s), sender %s; send timeout %s, %d connections, "
                + "queue wait %s (%s)", host, port, tls ? "TLS" : "STARTTLS " + startTls,
                login ? "with login" : "no login", from.get(), human(config.sendTimeout()), config.maxConnections(),
                human(config.queueWait()), mode.reason());
        if (!DeliveryMode.setByOperator(c.getConfigValue(DeliveryMode.HOST))) {
            LOG.warnf("email.delivery=smtp but quarkus.mailer.host is not set: mails go to %s", host);
        }
        if (mock(c)) {
            LOG.warn("quarkus.mailer.mock is on (the default in dev and test mode): mails go to Quarkus' mock "
                    + "mailbox, not to the SMTP server. Set quarkus.mailer.mock=false to send them.");
        }
    }
}
