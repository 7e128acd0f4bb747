package io.amlrouter.actions.email;

import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.amlrouter.actions.ActionResult;
import io.vertx.ext.mail.SMTPException;

/**
 * Sorts SMTP failures by the server's reply code, never by parsing text (a port such as 587 in a
 * "connection refused" message is not a reply). A 5xx reply to this mail (unknown recipient, message
 * refused) is permanent: sending it again gets the same answer, so it is dead-lettered. 4xx replies,
 * refused or dropped connections, TLS failures and timeouts are transient: Event Grid redelivers and
 * the mail is sent then. 5xx replies to authentication are transient too: they say the credentials
 * are wrong, not the mail, and once the Secret is fixed the redelivery gets through (Event Grid retries
 * for 24 h) where a dead letter would have lost the mail.
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
        SMTPException smtp = find(failure, SMTPException.class);
        if (smtp != null) {
            int code = smtp.getReplyCode();
            if (AUTHENTICATION_REPLIES.contains(code)) {
                return ActionResult.transientFailure("SMTP authentication failed (" + code + "), check "
                        + "QUARKUS_MAILER_USERNAME/PASSWORD: " + message);
            }
            if (smtp.isPermanent()) {
                return ActionResult.permanent("SMTP refused the mail (" + code + "): " + message);
            }
            return ActionResult.transientFailure("SMTP replied " + code + ": " + message);
        }
        return ActionResult.transientFailure("SMTP: " + message);
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
