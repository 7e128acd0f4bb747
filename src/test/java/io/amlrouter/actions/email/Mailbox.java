package io.amlrouter.actions.email;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;

import io.amlrouter.support.GreenMailResource;

/**
 * What the test SMTP server received, read back as a mail client would: GreenMail stores one copy per
 * recipient mailbox, so a mail to two people is two copies with one {@code Message-ID}.
 */
final class Mailbox {

    /** One received copy, decoded. */
    record Received(String messageId, String subject, String from, List<String> to, List<String> cc, String rule,
            String eventHeader, String autoSubmitted, String contentType, String text, String html, MimeMessage raw) {

        String header(String name) {
            try {
                String[] values = raw.getHeader(name);
                return values == null ? null : values[0];
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private Mailbox() {
    }

    /** Every copy received for an event (by its {@code X-AmlEventRouter-Event} header). */
    static List<Received> forEvent(String eventId) {
        List<Received> out = new ArrayList<>();
        GreenMail server = GreenMailResource.greenMail();
        if (server == null) {
            return out;
        }
        for (MimeMessage m : server.getReceivedMessages()) {
            Received r = read(m);
            if (eventId.equals(r.eventHeader())) {
                out.add(r);
            }
        }
        return out;
    }

    /** Copies of an event's mails in one person's mailbox. */
    static List<Received> inbox(String address, String eventId) {
        GreenMail server = GreenMailResource.greenMail();
        GreenMailUser user = server.getUserManager().getUserByEmail(address);
        if (user == null) {
            return List.of();
        }
        try {
            return server.getManagers().getImapHostManager().getInbox(user).getMessages().stream()
                    .map(stored -> read(stored.getMimeMessage()))
                    .filter(r -> eventId.equals(r.eventHeader())).toList();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Received read(MimeMessage m) {
        try {
            String text = null;
            String html = null;
            Object content = m.getContent();
            if (content instanceof Multipart multipart) {
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    if (part.isMimeType("text/plain")) {
                        text = (String) part.getContent();
                    } else if (part.isMimeType("text/html")) {
                        html = (String) part.getContent();
                    }
                }
            } else if (m.isMimeType("text/html")) {
                html = (String) content;
            } else {
                text = (String) content;
            }
            return new Received(m.getMessageID(), m.getSubject(), addresses(m.getFrom()).get(0),
                    addresses(m.getRecipients(Message.RecipientType.TO)), addresses(m.getRecipients(Message.RecipientType.CC)),
                    first(m, OutgoingMail.RULE_HEADER), first(m, OutgoingMail.EVENT_HEADER), first(m, "Auto-Submitted"),
                    m.getContentType(), text, html, m);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(MimeMessage m, String header) throws MessagingException {
        String[] values = m.getHeader(header);
        return values == null ? null : values[0];
    }

    private static List<String> addresses(Address[] addresses) {
        return addresses == null ? List.of()
                : Arrays.stream(addresses).filter(Objects::nonNull).map(Address::toString).toList();
    }
}
