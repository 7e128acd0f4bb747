package io.amlrouter.actions.email;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import io.amlrouter.actions.ActionResult;
import io.amlrouter.actions.ActionRunner;
import io.amlrouter.rules.action.ActionTask;
import io.amlrouter.rules.action.RenderedEmail;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;

/** Sends the {@code email} actions, through SMTP or, with no SMTP server configured, to the log. */
@ApplicationScoped
public class EmailProcessor {

    private static final Logger LOG = Logger.getLogger(EmailProcessor.class);

    private final ActionRunner runner;
    private final ReactiveMailer mailer;
    private final EmailConfig config;
    private final EmailConfig.Delivery delivery;

    public EmailProcessor(ActionRunner runner, ReactiveMailer mailer, EmailConfig config) {
        this.runner = runner;
        this.mailer = mailer;
        this.config = config;
        this.delivery = config.delivery().orElseGet(() -> smtpConfigured() ? EmailConfig.Delivery.SMTP
                : EmailConfig.Delivery.LOG);
        if (delivery == EmailConfig.Delivery.LOG) {
            LOG.warn("No SMTP server configured (quarkus.mailer.host / QUARKUS_MAILER_HOST): mails are written to the log");
        }
    }

    @Incoming("action-email")
    public Uni<Void> process(Message<ActionTask> message) {
        return runner.run(message, task -> send(task, (RenderedEmail) task.action()));
    }

    private Uni<ActionResult> send(ActionTask task, RenderedEmail email) {
        if (delivery == EmailConfig.Delivery.LOG) {
            LOG.infof("Mail (not sent: no SMTP server configured) for event %s, rule %s%n  To: %s%s%n  Subject: %s%n%n%s",
                    task.key().eventId(), task.ruleName(), String.join(", ", email.to()),
                    email.cc().isEmpty() ? "" : "\n  Cc: " + String.join(", ", email.cc()), email.subject(),
                    email.text() != null ? email.text() : email.html());
            return Uni.createFrom().item(new ActionResult.Succeeded(null, "written to the log"));
        }
        Mail mail = new Mail().setTo(email.to()).setCc(email.cc()).setBcc(email.bcc()).setSubject(email.subject());
        if (email.html() != null) {
            mail.setHtml(email.html());
        }
        if (email.text() != null) {
            mail.setText(email.text());
        }
        return mailer.send(mail)
                .ifNoItem().after(config.sendTimeout()).fail()
                .map(ignored -> (ActionResult) new ActionResult.Succeeded(null, "sent to " + email.to().size()
                        + " recipient(s)"))
                .onFailure().recoverWithItem(SmtpFailures::classify);
    }

    private static boolean smtpConfigured() {
        Optional<String> host = ConfigProvider.getConfig().getOptionalValue("email.smtp-host-configured", String.class);
        if (host.isPresent()) {
            return Boolean.parseBoolean(host.get());
        }
        var value = ConfigProvider.getConfig().getConfigValue("quarkus.mailer.host");
        return value.getRawValue() != null && value.getSourceName() != null
                && !value.getSourceName().toLowerCase().contains("default");
    }
}
