package io.amlrouter.support;

import java.time.Duration;
import java.util.Map;

import com.icegreen.greenmail.Managers;
import com.icegreen.greenmail.mail.MailAddress;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.smtp.SmtpManager;
import com.icegreen.greenmail.smtp.SmtpState;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;

/**
 * GreenMail whose SMTP server asks {@link Hooks} about each recipient and each message's data, so a test
 * server can answer the way real relays fail. Used by {@link GreenMailResource} (the tests' shared
 * server) and {@link SmtpPeer} (one per test that starts the packaged service).
 */
final class HookedGreenMail extends GreenMail {

    /** What the server answers: null accepts, a reply ({@code 550 ...}, {@code 451 ...}) refuses. */
    interface Hooks {
        /** {@code RCPT TO}, with the address as the client wrote it. */
        String checkRecipient(String address);

        /** The end of the data; may take its time, as a slow relay does. */
        String checkData(SmtpState state);
    }

    private final Hooks hooks;

    HookedGreenMail(ServerSetup setup, Hooks hooks) {
        super(setup);
        this.hooks = hooks;
    }

    @Override
    protected Map<String, AbstractServer> createServices(ServerSetup[] config, Managers ignored) {
        // Called by start() after each (re)initialisation; the field is what getReceivedMessages() reads.
        managers = new HookedManagers();
        return super.createServices(config, managers);
    }

    /** Sleeps for {@code d} (nothing for zero), keeping the interrupt. */
    static void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Managers whose SMTP manager consults the hooks (read at each call: they are set after super()). */
    private final class HookedManagers extends Managers {

        private final SmtpManager smtp = new SmtpManager(getImapHostManager(), getUserManager()) {
            @Override
            public String checkRecipient(SmtpState state, MailAddress rcpt) {
                return hooks.checkRecipient(rcpt.getEmail());
            }

            @Override
            public String checkData(SmtpState state) {
                return hooks.checkData(state);
            }
        };

        @Override
        public SmtpManager getSmtpManager() {
            return smtp;
        }
    }
}
