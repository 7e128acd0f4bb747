package io.amlrouter.actions.email;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import org.eclipse.microprofile.config.Config;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The relay as the operator configured it for the Quarkus mailer ({@code quarkus.mailer.*}, in Kubernetes
 * {@code QUARKUS_MAILER_*} from the Secret), read once at startup for the email actions' own SMTP sessions
 * (Jakarta Mail, {@link SmtpSender}), so one set of settings serves both. What is honoured: host, port,
 * from, bounce-address, username, password, login ({@code DISABLED}, {@code NONE}, {@code REQUIRED}),
 * start-tls ({@code DISABLED}, {@code OPTIONAL}, {@code REQUIRED}), tls/ssl (implicit TLS), trust-all,
 * truststore (paths, type, password), own-host-name, auth-methods, approved-recipients and
 * log-rejected-recipients; docs/email.md lists them.
 *
 * @param host relay host
 * @param port relay port
 * @param implicitTls TLS from the first byte (port 465)
 * @param username login, if any
 * @param password password, if any
 * @param login {@code DISABLED}, {@code NONE} or {@code REQUIRED}
 * @param startTls {@code DISABLED}, {@code OPTIONAL} or {@code REQUIRED}
 * @param envelopeFrom the {@code MAIL FROM} address (bounce address, else the sender)
 * @param approvedRecipients when present, only recipients matching one of them get the mail
 * @param logRejectedRecipients whether recipients dropped by {@code approvedRecipients} are logged
 * @param properties the Jakarta Mail session properties, timeouts excluded
 */
record SmtpSettings(String host, int port, boolean implicitTls, Optional<String> username, Optional<String> password,
        String login, String startTls, String envelopeFrom, Optional<List<Pattern>> approvedRecipients,
        boolean logRejectedRecipients, Properties properties) {

    private static final String P = "quarkus.mailer.";

    static SmtpSettings from(Config c, String sender) {
        boolean tls = bool(c, "tls") || bool(c, "ssl");
        String host = c.getOptionalValue(P + "host", String.class).orElse("localhost");
        int port = c.getOptionalValue(P + "port", Integer.class).orElse(tls ? 465 : 25);
        Optional<String> username = c.getOptionalValue(P + "username", String.class).filter(u -> !u.isBlank());
        Optional<String> password = c.getOptionalValue(P + "password", String.class);
        String login = c.getOptionalValue(P + "login", String.class).orElse("NONE").toUpperCase(Locale.ROOT);
        String startTls = c.getOptionalValue(P + "start-tls", String.class).orElse("OPTIONAL").toUpperCase(Locale.ROOT);
        if (!List.of("DISABLED", "NONE", "REQUIRED").contains(login)) {
            throw new ConfigurationException(P + "login must be DISABLED, NONE or REQUIRED, not " + login);
        }
        if (!List.of("DISABLED", "OPTIONAL", "REQUIRED").contains(startTls)) {
            throw new ConfigurationException(P + "start-tls must be DISABLED, OPTIONAL or REQUIRED, not " + startTls);
        }
        String envelopeFrom = address(c.getOptionalValue(P + "bounce-address", String.class).orElse(sender));
        Optional<List<Pattern>> approved = c.getOptionalValues(P + "approved-recipients", String.class)
                .map(list -> list.stream().map(String::strip).filter(s -> !s.isEmpty()).map(Pattern::compile).toList());

        String proto = tls ? "smtps" : "smtp";
        Properties props = new Properties();
        props.put("mail." + proto + ".from", envelopeFrom);
        props.put("mail." + proto + ".auth", String.valueOf(username.isPresent() && !"DISABLED".equals(login)));
        props.put("mail." + proto + ".starttls.enable", String.valueOf(!tls && !"DISABLED".equals(startTls)));
        props.put("mail." + proto + ".starttls.required", String.valueOf(!tls && "REQUIRED".equals(startTls)));
        // After QUIT the session is over for us: do not wait for the relay's goodbye.
        props.put("mail." + proto + ".quitwait", "false");
        c.getOptionalValue(P + "own-host-name", String.class).ifPresent(h -> props.put("mail." + proto + ".localhost", h));
        c.getOptionalValue(P + "auth-methods", String.class)
                .ifPresent(m -> props.put("mail." + proto + ".auth.mechanisms", m));
        if (bool(c, "trust-all")) {
            props.put("mail." + proto + ".ssl.trust", "*");
            props.put("mail." + proto + ".ssl.checkserveridentity", "false");
        } else {
            props.put("mail." + proto + ".ssl.checkserveridentity", "true");
            trustStore(c).ifPresent(f -> props.put("mail." + proto + ".ssl.socketFactory", f));
        }
        return new SmtpSettings(host, port, tls, username, password, login, startTls, envelopeFrom, approved,
                bool(c, "log-rejected-recipients"), props);
    }

    /** The protocol name Jakarta Mail keys its properties by. */
    String protocol() {
        return implicitTls ? "smtps" : "smtp";
    }

    /**
     * The session properties with the timeouts of one send: connecting, each reply and each write (timed by
     * {@code writeTimeouts}, one thread for all sessions) are bounded by the send timeout.
     */
    Properties sessionProperties(Duration sendTimeout, ScheduledExecutorService writeTimeouts) {
        Properties props = new Properties();
        props.putAll(properties);
        String millis = String.valueOf(sendTimeout.toMillis());
        props.put("mail." + protocol() + ".connectiontimeout", millis);
        props.put("mail." + protocol() + ".timeout", millis);
        props.put("mail." + protocol() + ".writetimeout", millis);
        props.put("mail." + protocol() + ".executor.writetimeout", writeTimeouts);
        return props;
    }

    /** Whether a recipient may get mail ({@code quarkus.mailer.approved-recipients}). */
    boolean approved(String address) {
        return approvedRecipients.map(list -> list.stream().anyMatch(p -> p.matcher(address).matches())).orElse(true);
    }

    private static boolean bool(Config c, String key) {
        return c.getOptionalValue(P + key, Boolean.class).orElse(false);
    }

    /** {@code aml@contoso.com} out of {@code AML events <aml@contoso.com>}. */
    static String address(String from) {
        int lt = from.lastIndexOf('<');
        int gt = from.lastIndexOf('>');
        return lt >= 0 && gt > lt ? from.substring(lt + 1, gt).strip() : from.strip();
    }

    /** The store type a file name suggests, as the mailer guesses it: PKCS12 for .p12/.pfx, JKS, else PEM. */
    private static String typeOf(String path) {
        String p = path.strip().toLowerCase(Locale.ROOT);
        return p.endsWith(".p12") || p.endsWith(".pfx") ? "PKCS12" : p.endsWith(".jks") ? "JKS" : "PEM";
    }

    /** A socket factory trusting {@code quarkus.mailer.truststore.paths} (PEM certificates or a key store). */
    private static Optional<SSLSocketFactory> trustStore(Config c) {
        Optional<List<String>> paths = c.getOptionalValues(P + "truststore.paths", String.class);
        if (paths.isEmpty() || paths.get().isEmpty()) {
            return Optional.empty();
        }
        String type = c.getOptionalValue(P + "truststore.type", String.class)
                .orElseGet(() -> typeOf(paths.get().get(0))).toUpperCase(Locale.ROOT);
        char[] password = c.getOptionalValue(P + "truststore.password", String.class).orElse("").toCharArray();
        try {
            KeyStore store;
            if ("PEM".equals(type)) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                var certificates = java.security.cert.CertificateFactory.getInstance("X.509");
                int n = 0;
                for (String path : paths.get()) {
                    try (InputStream in = Files.newInputStream(Path.of(path.strip()))) {
                        for (var cert : certificates.generateCertificates(in)) {
                            store.setCertificateEntry("ca-" + n++, cert);
                        }
                    }
                }
            } else {
                store = KeyStore.getInstance(type);
                try (InputStream in = Files.newInputStream(Path.of(paths.get().get(0).strip()))) {
                    store.load(in, password);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            return Optional.of(ssl.getSocketFactory());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + P + "truststore.paths " + paths.get(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("cannot use " + P + "truststore.paths " + paths.get() + ": " + e, e);
        }
    }
}
