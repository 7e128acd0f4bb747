package io.amlrouter.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * A real SMTP server (GreenMail) on a free loopback port for the tests that start the packaged service
 * as a process, scriptable the way relays misbehave:
 * <ul>
 * <li>{@link #refuse(String, int, String)}: answer {@code RCPT TO} for an address with a reply (e.g.
 * {@code 451} transient, {@code 550} permanent) the next n times;</li>
 * <li>{@link #delay(String, Duration)}: hold the reply to the data of mails whose subject contains a
 * marker (an event id), as a slow relay does; the mail is stored once the reply is sent;</li>
 * <li>{@link #delayRecipient(String, Duration, int)}: hold the reply to {@code RCPT TO} for an address, as a
 * relay checking recipients slowly does (before the data: a client that gives up then sends nothing);</li>
 * <li>{@link #received()}: every mail accepted, with its recipients and subject, and
 * {@link #dataStarted(String)}: whether a mail's data has arrived (the send is in progress).</li>
 * </ul>
 */
public final class SmtpPeer implements AutoCloseable {

    /** A mail the server accepted. */
    public record Mail(Set<String> to, String subject, String body, String messageId) {
    }

    private record Hold(Duration delay, AtomicInteger remaining) {
    }

    private record Refusal(String reply, AtomicInteger remaining) {
    }

    private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();
    private final Map<String, Duration> delays = new ConcurrentHashMap<>();
    private final Map<String, Hold> recipientDelays = new ConcurrentHashMap<>();
    private final List<Mail> received = new CopyOnWriteArrayList<>();
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final int port;
    private final GreenMail server;

    private SmtpPeer(int port) {
        this.port = port;
        this.server = new HookedGreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), new Script());
    }

    public static SmtpPeer start() {
        SmtpPeer peer = new SmtpPeer(RedisServer.freePort());
        peer.server.start();
        return peer;
    }

    /** A server with one account, so a client can log in (AUTH PLAIN or LOGIN) with these credentials. */
    public static SmtpPeer startWithUser(String address, String login, String password) {
        SmtpPeer peer = new SmtpPeer(RedisServer.freePort());
        peer.server.withConfiguration(GreenMailConfiguration.aConfig().withUser(address, login, password));
        peer.server.start();
        return peer;
    }

    /**
     * The settings that point a started service at this server (SMTP delivery, no STARTTLS, the mailer's
     * mock off), followed by the test's own (rules, ledger, credentials), which win on a clash.
     */
    @SafeVarargs
    public final Map<String, String> serviceProperties(Map.Entry<String, String>... more) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("email.delivery", "smtp");
        props.put("quarkus.mailer.mock", "false");
        props.put("quarkus.mailer.host", "127.0.0.1");
        props.put("quarkus.mailer.port", String.valueOf(port()));
        props.put("quarkus.mailer.from", "aml-event-router@contoso.com");
        props.put("quarkus.mailer.start-tls", "DISABLED");
        for (Map.Entry<String, String> e : more) {
            props.put(e.getKey(), e.getValue());
        }
        return props;
    }

    public int port() {
        return port;
    }

    /** The next {@code times} {@code RCPT TO:<address>} get {@code reply}. */
    public void refuse(String address, int times, String reply) {
        refusals.put(address.toLowerCase(), new Refusal(reply, new AtomicInteger(times)));
    }

    /** Holds the reply to the data of every mail whose subject contains {@code marker} for {@code delay}. */
    public void delay(String marker, Duration delay) {
        delays.put(marker, delay);
    }

    /** Holds the reply to the next {@code times} {@code RCPT TO:<address>} for {@code delay}. */
    public void delayRecipient(String address, Duration delay, int times) {
        recipientDelays.put(address.toLowerCase(), new Hold(delay, new AtomicInteger(times)));
    }

    /** Normal behaviour again; the mails received so far are kept. */
    public void reset() {
        refusals.clear();
        delays.clear();
        recipientDelays.clear();
    }

    public List<Mail> received() {
        return List.copyOf(received);
    }

    /** Mails accepted whose subject contains the marker. */
    public List<Mail> received(String marker) {
        return received.stream().filter(m -> m.subject() != null && m.subject().contains(marker)).toList();
    }

    /** How many mails with the marker in their subject were accepted, by recipient. */
    public Map<String, Long> countByRecipient(String marker) {
        return received(marker).stream().flatMap(m -> m.to().stream())
                .collect(Collectors.groupingBy(a -> a, Collectors.counting()));
    }

    /** Whether the data of a mail with the marker in its subject has arrived (its reply may be held). */
    public boolean dataStarted(String marker) {
        return started.stream().anyMatch(s -> s.contains(marker));
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The script above, as the server consults it. */
    private final class Script implements HookedGreenMail.Hooks {
        @Override
        public String checkRecipient(String address) {
            Hold hold = recipientDelays.get(address.toLowerCase());
            if (hold != null && hold.remaining().getAndDecrement() > 0) {
                HookedGreenMail.pause(hold.delay());
            }
            Refusal r = refusals.get(address.toLowerCase());
            if (r != null && r.remaining().getAndDecrement() > 0) {
                return r.reply();
            }
            return null;
        }

        @Override
        public String checkData(SmtpState state) {
            String subject;
            String body;
            String messageId;
            try {
                MimeMessage m = state.getMessage().getMessage();
                subject = m.getSubject();
                messageId = m.getMessageID();
                Object content = m.getContent();
                body = content instanceof String text ? text : GreenMailUtil.getBody(m);
            } catch (Exception e) {
                subject = null;
                body = null;
                messageId = null;
            }
            String s = subject == null ? "" : subject;
            started.add(s);
            delays.forEach((marker, delay) -> {
                if (s.contains(marker)) {
                    HookedGreenMail.pause(delay);
                }
            });
            List<String> to = new ArrayList<>();
            state.getMessage().getToAddresses().forEach(a -> to.add(a.getEmail().toLowerCase()));
            received.add(new Mail(Set.copyOf(to), subject, body, messageId));
            return null;
        }
    }
}
