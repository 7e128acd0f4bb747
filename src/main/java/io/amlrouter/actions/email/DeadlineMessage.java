package io.amlrouter.actions.email;

import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;

/**
 * An encoded mail that refuses to finish its data after a deadline. Jakarta Mail's {@code SMTPTransport}
 * writes the message through {@link #writeTo} between {@code DATA} and the final {@code .}, and treats an
 * {@link IOException} from it as the sign to drop the connection without the final {@code .} ("IOException
 * while sending, closing"): the relay then discards the transaction and delivers nothing. So the deadline
 * is checked before each write and once more after the last one, right before the transport sends the
 * {@code .}. {@link #dataComplete()} tells afterwards whether the {@code .} may have gone out.
 */
final class DeadlineMessage extends MimeMessage {

    /** Thrown by the data stream once the deadline has passed. */
    static final class DeadlinePassed extends IOException {
        DeadlinePassed() {
            super("email.send-timeout reached before the end of the data: the session is dropped before the final '.'",
                    null);
        }
    }

    private final long deadline;
    private volatile boolean dataComplete;

    /**
     * @param encoded the whole mail, headers and body (CRLF line ends), as the encoder wrote it
     * @param deadline {@link System#nanoTime()} after which no data is written
     */
    DeadlineMessage(Session session, byte[] encoded, long deadline) throws MessagingException {
        super(session, new ByteArrayInputStream(encoded));
        this.deadline = deadline;
    }

    /** Whether all the data was written, so the final {@code .} followed (or was about to). */
    boolean dataComplete() {
        return dataComplete;
    }

    @Override
    public void writeTo(OutputStream out, String[] ignoreList) throws IOException, MessagingException {
        check();
        super.writeTo(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                check();
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                check();
                out.write(b, off, len);
            }
        }, ignoreList);
        check();
        dataComplete = true;
    }

    private void check() throws DeadlinePassed {
        if (System.nanoTime() - deadline >= 0) {
            throw new DeadlinePassed();
        }
    }
}
