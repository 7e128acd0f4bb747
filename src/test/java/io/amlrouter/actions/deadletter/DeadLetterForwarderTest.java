package io.amlrouter.actions.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.amlrouter.deadletter.DeadLetter;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;

/** Where the dead-letter mail goes: to the mailer, or to the log when the email actions write theirs there. */
class DeadLetterForwarderTest {

    static final DeadLetter LETTER = new DeadLetter("e-1", "Microsoft.MachineLearningServices.RunStatusChanged",
            "experiments/x/runs/y", "mail-failed-runs", 0, "email", "550 5.1.1 mailbox unavailable",
            Instant.parse("2026-11-22T03:00:00Z"), "{\"id\":\"e-1\"}");

    final List<Mail> sent = new CopyOnWriteArrayList<>();
    final ReactiveMailer mailer = mails -> {
        sent.addAll(List.of(mails));
        return Uni.createFrom().voidItem();
    };

    DeadLetterForwarder forwarder(boolean mailToLog) {
        return new DeadLetterForwarder(mailer, new ObjectMapper(), Optional.of("admin@contoso.com"), Optional.empty(),
                Duration.ofSeconds(1), mailToLog);
    }

    @Test
    void withSmtpDeliveryTheMailGoesToTheMailer() {
        forwarder(false).onDeadLetter(LETTER);
        assertThat(sent).singleElement().satisfies(mail -> {
            assertThat(mail.getTo()).containsExactly("admin@contoso.com");
            assertThat(mail.getSubject()).contains("mail-failed-runs");
            assertThat(mail.getText()).contains("550 5.1.1 mailbox unavailable");
        });
    }

    @Test
    void withLogDeliveryNothingGoesToTheMailer() {
        forwarder(true).onDeadLetter(LETTER);
        assertThat(sent).isEmpty();
    }
}
