package io.amlrouter.actions.email;

import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.URLName;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.eclipse.angus.mail.smtp.SMTPSSLTransport;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The email actions' SMTP sessions, with a deadline that holds. At most {@code email.max-connections}
 * sessions run at once (each on its own thread, one connection per mail); further mails wait in a queue
 * of {@code email.max-queued}. The send timeout starts when a mail gets its connection, not when it is
 * queued, and what happens to a mail is always known:
 * <ul>
 * <li>a mail that waited longer than {@code email.queue-wait} is not started at all ({@link NotStarted});</li>
 * <li>a session that has not finished its data within {@code email.send-timeout} is dropped before the final
 * {@code .} ({@link DeadlineMessage}): the relay delivers nothing, the send fails with a timeout;</li>
 * <li>once the final {@code .} is out, the relay's reply decides: {@code 250} is a sent mail, even after the
 * deadline; no reply within the send timeout is the one ambiguous case (the relay may have taken it).</li>
 * </ul>
 * Results are handed back on the Vert.x context the send was asked from.
 */
final class SmtpSender implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SmtpSender.class);

    /** The mail was not handed to the relay at all: no connection within the queue wait, or the queue full. */
    static final class NotStarted extends RuntimeException {
        NotStarted(String message) {
            super(message, null, false, false);
        }
    }

    /** One mail: its encoded text (headers and body) and its envelope recipients (to, cc and bcc). */
    record Envelope(String encoded, List<String> recipients) {
    }

    private final SmtpSettings settings;
    private final Duration sendTimeout;
    private final Duration queueWait;
    private final int connections;
    private final int maxQueued;
    private final Session session;
    private final ThreadPoolExecutor sessions;
    private final ScheduledThreadPoolExecutor writeTimeouts;

    SmtpSender(SmtpSettings settings, EmailConfig config) {
        this.settings = settings;
        this.sendTimeout = config.sendTimeout();
        this.queueWait = config.queueWait();
        this.connections = config.maxConnections();
        this.maxQueued = config.maxQueued();
        // Times the writes of every session (Jakarta Mail's writetimeout); its thread ends when idle.
        this.writeTimeouts = new ScheduledThreadPoolExecutor(1, daemon("email-smtp-write-timeout"));
        writeTimeouts.setKeepAliveTime(10, TimeUnit.SECONDS);
        writeTimeouts.allowCoreThreadTimeOut(true);
        writeTimeouts.setRemoveOnCancelPolicy(true);
        this.session = Session.getInstance(settings.sessionProperties(sendTimeout, writeTimeouts));
        this.sessions = new ThreadPoolExecutor(connections, connections, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, maxQueued)), daemon("email-smtp"));
    }

    /**
     * Sends one mail; fails with {@link NotStarted}, a {@link TimeoutException} or the relay's refusal.
     * {@code starting} runs (on the session's thread) when the mail has its connection and its SMTP session
     * begins: from then on the relay may deliver it; a mail still queued has not left the process.
     */
    Uni<Void> send(Envelope mail, Runnable starting) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = Vertx.currentContext();
            Queued queued = new Queued(mail, System.nanoTime(), starting, failure -> {
                Runnable hand = () -> {
                    if (failure == null) {
                        emitter.complete(null);
                    } else {
                        emitter.fail(failure);
                    }
                };
                if (context != null) {
                    context.runOnContext(v -> hand.run());
                } else {
                    hand.run();
                }
            });
            try {
                sessions.execute(queued);
            } catch (RejectedExecutionException e) {
                queued.abandon(sessions.isShutdown() ? "not started: the service is stopping"
                        : "not started: " + maxQueued + " mails already wait for the " + connections
                                + " SMTP connections (email.max-queued)");
            }
        });
    }

    /** A mail waiting for a connection; run by a session thread, or abandoned (never started). */
    private final class Queued implements Runnable {
        private final Envelope mail;
        private final long queuedAt;
        private final Runnable starting;
        private final Consumer<Throwable> done;

        Queued(Envelope mail, long queuedAt, Runnable starting, Consumer<Throwable> done) {
            this.mail = mail;
            this.queuedAt = queuedAt;
            this.starting = starting;
            this.done = done;
        }

        @Override
        public void run() {
            done.accept(session(mail, queuedAt, starting));
        }

        void abandon(String why) {
            done.accept(new NotStarted(why));
        }
    }

    /** One SMTP session on this thread; null when the relay accepted the mail, else why not. */
    private Throwable session(Envelope mail, long queuedAt, Runnable starting) {
        long started = System.nanoTime();
        Duration waited = Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(started - queuedAt));
        if (waited.compareTo(queueWait) > 0) {
            // Checked right before the session starts: a mail whose time ran out while queued is never sent.
            return new NotStarted("not started: waited " + human(waited) + " for one of the " + connections
                    + " SMTP connections, longer than email.queue-wait (" + human(queueWait) + ")");
        }
        long deadline = started + sendTimeout.toNanos();
        DeadlineMessage message;
        Address[] recipients;
        try {
            message = new DeadlineMessage(session, mail.encoded().getBytes(StandardCharsets.UTF_8), deadline);
            recipients = recipients(mail.recipients());
        } catch (MessagingException e) {
            return e;
        }
        if (recipients.length == 0) {
            return new NoApprovedRecipient();
        }
        starting.run();
        SMTPTransport transport = settings.implicitTls()
                ? new SMTPSSLTransport(session, url())
                : new SMTPTransport(session, url());
        try {
            transport.connect(settings.host(), settings.port(), login() ? settings.username().get() : null,
                    login() ? settings.password().orElse("") : null);
            if ("REQUIRED".equals(settings.login()) && !transport.supportsExtension("AUTH")) {
                return new MessagingException("the SMTP server offers no login (AUTH) but quarkus.mailer.login is "
                        + "REQUIRED");
            }
            transport.sendMessage(message, recipients);
            return null;
        } catch (MessagingException e) {
            return timeout(e, message).orElse(e);
        } finally {
            try {
                transport.close();
            } catch (MessagingException | RuntimeException e) {
                LOG.debugf("closing the SMTP connection: %s", e);
            }
        }
    }

    /** A deadline or a reply that did not come in time, said the way {@link SmtpFailures} reports timeouts. */
    private Optional<Throwable> timeout(MessagingException e, DeadlineMessage message) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DeadlineMessage.DeadlinePassed) {
                return Optional.of(new TimeoutException("cut before the end of the data after "
                        + human(sendTimeout) + ": the session was dropped before the final '.', nothing was delivered"));
            }
            if (t instanceof SocketTimeoutException) {
                return Optional.of(new TimeoutException(message.dataComplete()
                        ? "no answer from the SMTP server within " + human(sendTimeout)
                        : "no answer from the SMTP server within " + human(sendTimeout)
                                + " before the end of the data: the session was dropped, nothing was delivered"));
            }
        }
        return Optional.empty();
    }

    /** Every recipient: approved ones only when {@code quarkus.mailer.approved-recipients} is set. */
    private Address[] recipients(List<String> addresses) throws AddressException {
        List<Address> approved = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        for (String a : addresses) {
            if (settings.approved(a)) {
                approved.add(new InternetAddress(a, false));
            } else {
                rejected.add(a);
            }
        }
        if (!rejected.isEmpty() && settings.logRejectedRecipients()) {
            LOG.warnf("Mail not sent to %s: not approved by quarkus.mailer.approved-recipients", rejected);
        }
        return approved.toArray(Address[]::new);
    }

    private boolean login() {
        return settings.username().isPresent() && !"DISABLED".equals(settings.login());
    }

    private URLName url() {
        return new URLName(settings.protocol(), settings.host(), settings.port(), null, null, null);
    }

    /** Nothing to send: every recipient was dropped by {@code quarkus.mailer.approved-recipients}. */
    static final class NoApprovedRecipient extends RuntimeException {
        NoApprovedRecipient() {
            super("no recipient is approved by quarkus.mailer.approved-recipients: nothing was sent", null, false,
                    false);
        }
    }

    static String human(Duration d) {
        return d.toString().substring(2).toLowerCase();
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stops taking mails. The sessions running go on (until their deadline at most); the mails still waiting
     * are never started: they fail transiently, so their claims are released and a redelivery sends them.
     */
    @Override
    public void close() {
        sessions.shutdown();
        List<Runnable> waiting = new ArrayList<>();
        sessions.getQueue().drainTo(waiting);
        waiting.forEach(r -> ((Queued) r).abandon("not started: the service is stopping"));
    }
}
