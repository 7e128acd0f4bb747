package io.amlrouter.actions.email;

import java.util.Set;
import java.util.concurrent.TimeoutException;

import jakarta.mail.AuthenticationFailedException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import io.amlrouter.routing.ActionResult;
import io.vertx.ext.mail.SMTPException;

/**
 * Sorts SMTP failures by the server's reply code, never by parsing text (a port such as 587 in a
 * "connection refused" message is not a reply). A 5xx reply to this mail (unknown recipient, message
 * refused) is permanent: sending it again gets the same answer, so it is dead-lettered. 4xx replies,
 * refused or dropped connections, TLS failures and timeouts are transient: Event Grid redelivers and
 * the mail is sent then. 5xx replies to authentication are transient too: they say the credentials
 * are wrong, not the mail, and once the Secret is fixed the redelivery gets through (Event Grid retries
 * for 24 h) where a dead letter would have lost the mail. The reply codes come from Jakarta Mail's SMTP
 * exceptions (the email actions' sessions, {@link SmtpSender}) or from the Vert.x mail client's (the mailer's
 * mock in dev mode). A mail that was never started ({@link SmtpSender.NotStarted}) is transient.
 */
final class SmtpFailures {

    /** Authentication required / too weak / credentials invalid / encryption required for the mechanism. */
    static final Set<Integer> AUTHENTICATION_REPLIES = Set.of(530, 534, 535, 538);

    private SmtpFailures() {
    }

    static ActionResult classify(Throwable failure) {
        String message = describe(failure);
        if (find(failure, TimeoutException.class) != null
                || find(failure, io.smallrye.mutiny.TimeoutException.class) != null) {
            return ActionResult.transientFailure("SMTP send timed out (email.send-timeout): " + message);
        }
        if (find(failure, SmtpSender.NotStarted.class) != null) {
            return ActionResult.transientFailure("SMTP send " + message);
        }
        if (find(failure, SmtpSender.NoApprovedRecipient.class) != null) {
            return ActionResult.permanent("SMTP: " + message);
        }
        if (find(failure, AuthenticationFailedException.class) != null) {
            return ActionResult.transientFailure("SMTP authentication failed, check QUARKUS_MAILER_USERNAME/PASSWORD: "
                    + message);
        }
        int code = replyCode(failure);
        if (code > 0) {
            if (AUTHENTICATION_REPLIES.contains(code)) {
                return ActionResult.transientFailure("SMTP authentication failed (" + code + "), check "
                        + "QUARKUS_MAILER_USERNAME/PASSWORD: " + message);
            }
            if (code >= 500 && code < 600) {
                return ActionResult.permanent("SMTP refused the mail (" + code + "): " + message);
            }
            return ActionResult.transientFailure("SMTP replied " + code + ": " + message);
        }
        return ActionResult.transientFailure("SMTP: " + message);
    }

    /** The relay's reply code in the failure's cause chain, or 0 (no reply: refused connection, TLS, I/O). */
    private static int replyCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SMTPException e) {
                return e.getReplyCode();
            }
            if (t instanceof SMTPSendFailedException e && e.getReturnCode() > 0) {
                return e.getReturnCode();
            }
            if (t instanceof SMTPAddressFailedException e) {
                return e.getReturnCode();
            }
            if (t instanceof SMTPSenderFailedException e) {
                return e.getReturnCode();
            }
        }
        return 0;
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** The messages of the cause chain on one line, at most about 500 characters. */
    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 500; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage() != null ? c.getMessage() : c.getClass().getSimpleName();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : " / ").append(m);
            }
        }
        return sb.toString().replaceAll("[\\r\\n]+", " ").strip();
    }
}
