package io.amlrouter.actions.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.amlrouter.ledger.ActionKey;
import io.amlrouter.routing.ActionTask;
import io.amlrouter.rules.action.RenderedEmail;
import io.amlrouter.support.EventFixtures;
import io.quarkus.mailer.Mail;

class OutgoingMailTest {

    static final ActionKey KEY = new ActionKey("91d07e3a-6c4b-4f25-a8e9-3b1c5d7f0a64", "mail-failed-runs", 0);

    @Test
    void theMessageIdIsTheSameForEveryAttemptOfAnActionAndDiffersBetweenActions() {
        String id = OutgoingMail.messageId(KEY, "contoso.com");
        assertThat(id).matches("<[0-9a-f]{32}\\.aml-event-router@contoso\\.com>")
                .isEqualTo(OutgoingMail.messageId(new ActionKey(KEY.eventId(), KEY.rule(), 0), "contoso.com"));
        assertThat(OutgoingMail.messageId(new ActionKey(KEY.eventId(), KEY.rule(), 1), "contoso.com")).isNotEqualTo(id);
        assertThat(OutgoingMail.messageId(new ActionKey(KEY.eventId(), "mail-drift", 0), "contoso.com")).isNotEqualTo(id);
        assertThat(OutgoingMail.messageId(new ActionKey("other", KEY.rule(), 0), "contoso.com")).isNotEqualTo(id);
    }

    @Test
    void theDomainComesFromTheSender() {
        assertThat(OutgoingMail.domainOf(Optional.of("aml-events@Contoso.com"))).isEqualTo("contoso.com");
        assertThat(OutgoingMail.domainOf(Optional.of("AML events <aml@ml.contoso.com>"))).isEqualTo("ml.contoso.com");
        assertThat(OutgoingMail.domainOf(Optional.empty())).isEqualTo("aml-event-router.invalid");
        assertThat(OutgoingMail.domainOf(Optional.of("no-domain"))).isEqualTo("aml-event-router.invalid");
        assertThat(OutgoingMail.domainOf(Optional.of("x@bad domain"))).isEqualTo("aml-event-router.invalid");
    }

    @Test
    void theMailCarriesTraceHeadersWithSafeValues() {
        var json = EventFixtures.event("eventgrid/RunStatusChanged.json");
        json.put("id", "evt-1\r\nBcc: x@evil.test\u00e9");
        var event = EventFixtures.decode(json);
        RenderedEmail email = new RenderedEmail(List.of("a@contoso.com"), List.of("b@contoso.com"),
                List.of("c@contoso.com"), "Subject", "<p>html</p>", "text");
        ActionKey key = new ActionKey(event.id(), "mail-failed-runs", 0);
        Mail mail = OutgoingMail.build(new ActionTask(key, event, "mail-failed-runs", email), email, "<id@contoso.com>");
        assertThat(mail.getTo()).containsExactly("a@contoso.com");
        assertThat(mail.getCc()).containsExactly("b@contoso.com");
        assertThat(mail.getBcc()).containsExactly("c@contoso.com");
        assertThat(mail.getHtml()).isEqualTo("<p>html</p>");
        assertThat(mail.getText()).isEqualTo("text");
        assertThat(mail.getHeaders()).containsEntry("Message-ID", List.of("<id@contoso.com>"))
                .containsEntry("X-AmlEventRouter-Event", List.of("evt-1?Bcc: x@evil.test?"))
                .containsEntry("X-AmlEventRouter-Event-Type", List.of("Microsoft.MachineLearningServices.RunStatusChanged"))
                .containsEntry("X-AmlEventRouter-Rule", List.of("mail-failed-runs"))
                .containsEntry("Auto-Submitted", List.of("auto-generated"));
    }
}
