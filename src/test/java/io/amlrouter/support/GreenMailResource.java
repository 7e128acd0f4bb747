package io.amlrouter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real SMTP server (GreenMail) for the whole test run, on a port chosen at start, that tests can
 * take down and bring back on the same port, and that can answer the way real relays fail:
 * <ul>
 * <li>{@link #down()} / {@link #up()}: connection refused, then a fresh server (no mail kept);</li>
 * <li>{@link #rejectRecipient(String)}: {@code 550 5.1.1} to {@code RCPT TO} for that address, as a relay
 * answers for an unknown mailbox;</li>
 * <li>{@link #failDeliveries(boolean)}: {@code 451 4.3.0} after the data, a temporary local error;</li>
 * <li>{@link #stallDeliveries(Duration)}: the reply to the data comes that much later (the mail is then
 * stored), as a slow or hung relay behaves.</li>
 * </ul>
 * Tests that change the behaviour restore it with {@link #reset()}.
 */
public class GreenMailResource implements QuarkusTestResourceLifecycleManager {

    private static final Set<String> REJECTED = ConcurrentHashMap.newKeySet();
    private static volatile boolean failDeliveries;
    private static volatile Duration stall = Duration.ZERO;
    private static volatile int port;
    private static volatile GreenMail greenMail;

    /** The switches above, as the server consults them. */
    private static final HookedGreenMail.Hooks HOOKS = new HookedGreenMail.Hooks() {
        @Override
        public String checkRecipient(String address) {
            return REJECTED.contains(address.toLowerCase())
                    ? "550 5.1.1 <" + address + ">: Recipient address rejected: User unknown"
                    : null;
        }

        @Override
        public String checkData(SmtpState state) {
            HookedGreenMail.pause(stall);
            return failDeliveries ? "451 4.3.0 Requested action aborted: local error in processing" : null;
        }
    };

    /** The running server (a new instance after {@link #up()}). */
    public static GreenMail greenMail() {
        return greenMail;
    }

    public static int port() {
        return port;
    }

    /** Stops the server: connections are refused until {@link #up()}. */
    public static synchronized void down() {
        if (greenMail != null) {
            greenMail.stop();
            greenMail = null;
        }
    }

    /** Starts a fresh server on the same port. */
    public static synchronized void up() {
        if (greenMail == null) {
            GreenMail server = new HookedGreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP), HOOKS);
            server.start();
            greenMail = server;
        }
    }

    /** Answers {@code 550} to {@code RCPT TO:<address>}. */
    public static void rejectRecipient(String address) {
        REJECTED.add(address.toLowerCase());
    }

    /** While true, every mail is answered {@code 451} after its data and not stored. */
    public static void failDeliveries(boolean fail) {
        failDeliveries = fail;
    }

    /** Delays the reply to each mail's data by this much. */
    public static void stallDeliveries(Duration delay) {
        stall = delay;
    }

    /** Normal behaviour again, server running. */
    public static void reset() {
        REJECTED.clear();
        failDeliveries = false;
        stall = Duration.ZERO;
        up();
    }

    @Override
    public Map<String, String> start() {
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for GreenMail", e);
        }
        up();
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port", String.valueOf(port));
    }

    @Override
    public void stop() {
        down();
    }
}
