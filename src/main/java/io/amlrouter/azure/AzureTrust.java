package io.amlrouter.azure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Optional;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * The certificates outbound HTTPS trusts: the JDK's own plus those of {@code azure.trust-store.*}, in
 * one in-memory key store, so an extra CA adds to the defaults instead of replacing them. Empty when no
 * extra store is configured (the JDK defaults apply unchanged).
 */
public final class AzureTrust {

    /** Password of the in-memory combined store (it never leaves the process). */
    public static final String COMBINED_PASSWORD = "combined";

    private final Optional<KeyStore> combined;

    private AzureTrust(Optional<KeyStore> combined) {
        this.combined = combined;
    }

    /** Loads the extra store named by the configuration, if any; fails with the key to fix. */
    public static AzureTrust load(AzureConfig.TrustStore config) {
        if (config.path().isEmpty()) {
            return new AzureTrust(Optional.empty());
        }
        try {
            KeyStore extra = KeyStore.getInstance(config.type());
            try (InputStream in = Files.newInputStream(config.path().get())) {
                extra.load(in, config.password().map(String::toCharArray).orElse(null));
            }
            KeyStore all = KeyStore.getInstance("PKCS12");
            all.load(null, COMBINED_PASSWORD.toCharArray());
            int n = 0;
            for (X509Certificate ca : jdkDefaults().getAcceptedIssuers()) {
                all.setCertificateEntry("jdk-" + n++, ca);
            }
            for (String alias : Collections.list(extra.aliases())) {
                Certificate cert = extra.getCertificate(alias);
                if (cert != null) {
                    all.setCertificateEntry("extra-" + alias, cert);
                }
            }
            return new AzureTrust(Optional.of(all));
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigurationException("azure.trust-store.path: cannot read " + config.path().get() + " as "
                    + config.type() + ": " + e.getMessage());
        }
    }

    /** The combined store, when an extra one is configured. */
    public Optional<KeyStore> keyStore() {
        return combined;
    }

    /** Trust managers over the combined store, when an extra one is configured. */
    public Optional<TrustManagerFactory> trustManagers() {
        return combined.map(ks -> {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                return tmf;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot initialise trust managers", e);
            }
        });
    }

    private static X509TrustManager jdkDefaults() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JDK has no X.509 trust manager");
    }
}
