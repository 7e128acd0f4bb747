package io.amlrouter.actions.email;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.amlrouter.routing.ActionResult;
import io.vertx.ext.mail.SMTPException;

/** Failures as the Vert.x mail client reports them, sorted into retry (transient) or dead letter (permanent). */
class SmtpFailuresTest {

    static SMTPException reply(int code, String text) {
        return new SMTPException("recipient address not accepted", code, List.of(code + " " + text), false);
    }

    @Test
    void a5xxReplyToTheMailIsPermanent() {
        assertThat(SmtpFailures.classify(reply(550, "5.1.1 <gone@contoso.com>: Recipient address rejected")))
                .isInstanceOfSatisfying(ActionResult.FailedPermanently.class, p -> assertThat(p.reason())
                        .startsWith("SMTP refused the mail (550): ").contains("gone@contoso.com"));
        assertThat(SmtpFailures.classify(reply(552, "5.3.4 Message size exceeds fixed limit")))
                .isInstanceOf(ActionResult.FailedPermanently.class);
        assertThat(SmtpFailures.classify(reply(554, "5.7.1 Message rejected as spam")))
                .isInstanceOf(ActionResult.FailedPermanently.class);
    }

    @Test
    void a4xxReplyIsTransient() {
        assertThat(SmtpFailures.classify(reply(451, "4.3.0 Requested action aborted: local error")))
                .isInstanceOfSatisfying(ActionResult.FailedTransiently.class,
                        t -> assertThat(t.reason()).startsWith("SMTP replied 451: "));
        assertThat(SmtpFailures.classify(reply(421, "4.7.0 Try again later, closing connection")))
                .isInstanceOf(ActionResult.FailedTransiently.class);
    }

    @Test
    void authenticationFailuresAreTransientBecauseTheMailIsNotAtFault() {
        for (int code : new int[] { 530, 534, 535, 538 }) {
            assertThat(SmtpFailures.classify(reply(code, "5.7.8 Authentication credentials invalid")))
                    .isInstanceOfSatisfying(ActionResult.FailedTransiently.class,
                            t -> assertThat(t.reason()).contains("QUARKUS_MAILER_USERNAME/PASSWORD"));
        }
    }

    @Test
    void refusedConnectionsAreTransientEvenWhenTheMessageNamesPort587() {
        ActionResult result = SmtpFailures.classify(new ConnectException(
                "Connection refused: smtp.contoso.com/10.0.4.7:587"));
        assertThat(result).isInstanceOfSatisfying(ActionResult.FailedTransiently.class,
                t -> assertThat(t.reason()).isEqualTo("SMTP: Connection refused: smtp.contoso.com/10.0.4.7:587"));
        assertThat(SmtpFailures.classify(new IOException("socket was closed unexpected.")))
                .isInstanceOf(ActionResult.FailedTransiently.class);
        assertThat(SmtpFailures.classify(new IllegalStateException("STARTTLS required but not supported by server")))
                .isInstanceOf(ActionResult.FailedTransiently.class);
    }

    @Test
    void timeoutsAreTransient() {
        assertThat(SmtpFailures.classify(new io.smallrye.mutiny.TimeoutException()))
                .isInstanceOfSatisfying(ActionResult.FailedTransiently.class,
                        t -> assertThat(t.reason()).startsWith("SMTP send timed out (email.send-timeout)"));
        assertThat(SmtpFailures.classify(new RuntimeException("wrapped", new java.util.concurrent.TimeoutException("t"))))
                .isInstanceOf(ActionResult.FailedTransiently.class);
    }

    @Test
    void theReasonIsOneLineWithTheCauseChain() {
        String reason = SmtpFailures.describe(new RuntimeException("outer\r\nline", new IOException("inner")));
        assertThat(reason).isEqualTo("outer line / inner");
    }
}
