package io.amlrouter.actions.email;

import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.amlrouter.actions.ActionResult;

/**
 * Sorts SMTP failures: a 5xx reply (bad recipient, rejected message) is permanent; 4xx replies,
 * refused connections and timeouts are transient.
 */
final class SmtpFailures {

    private static final Pattern REPLY = Pattern.compile("\\b([245])\\d\\d\\b");

    private SmtpFailures() {
    }

    static ActionResult classify(Throwable failure) {
        String message = describe(failure);
        if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
            return new ActionResult.FailedTransiently("SMTP timed out: " + message);
        }
        Matcher m = REPLY.matcher(message);
        if (m.find() && m.group(1).equals("5")) {
            return new ActionResult.FailedPermanently("SMTP refused the mail: " + message);
        }
        return new ActionResult.FailedTransiently("SMTP: " + message);
    }

    private static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 500; c = c.getCause()) {
            if (c.getMessage() != null) {
                sb.append(sb.length() == 0 ? "" : " / ").append(c.getMessage());
            }
        }
        return sb.length() == 0 ? t.getClass().getSimpleName() : sb.toString().replaceAll("[\\r\\n]+", " ");
    }
}
