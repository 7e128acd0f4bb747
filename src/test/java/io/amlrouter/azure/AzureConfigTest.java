package io.amlrouter.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.runtime.configuration.ConfigurationException;

/** Azure configuration rules (checked without a network call) and the extra trust store. */
class AzureConfigTest {

    record Trust(Optional<Path> path, Optional<String> password, String type) implements AzureConfig.TrustStore {
    }

    record Config(URI armEndpoint, Optional<String> authorityHost, CredentialMode credential, Optional<String> tenantId,
            Optional<String> clientId, Optional<String> clientSecret, TrustStore trustStore) implements AzureConfig {
    }

    static final Trust NO_TRUST = new Trust(Optional.empty(), Optional.empty(), "PKCS12");

    @Test
    void nothingConfiguredIsValid() {
        AzureCredentials.verify(new Config(URI.create("https://management.azure.com"), Optional.empty(),
                AzureConfig.CredentialMode.DEFAULT, Optional.empty(), Optional.empty(), Optional.empty(), NO_TRUST));
    }

    @Test
    void clientSecretNeedsItsThreeKeysAndHttpsHosts() {
        assertThatThrownBy(() -> AzureCredentials.verify(new Config(URI.create("http://localhost:8080"),
                Optional.of("http://localhost:1/"), AzureConfig.CredentialMode.CLIENT_SECRET, Optional.of("t"),
                Optional.empty(), Optional.empty(), NO_TRUST)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("Azure configuration is invalid (azure.credential=client-secret): azure.client-id "
                        + "(AZURE_CLIENT_ID) is required; azure.client-secret (AZURE_CLIENT_SECRET) is required; "
                        + "azure.authority-host must be an https:// URL, got http://localhost:1/; azure.arm-endpoint "
                        + "must be an https:// URL (tokens are only sent over HTTPS), got http://localhost:8080. Without "
                        + "Azure actions, leave azure.* unset: the default credential is only used on demand.");
    }

    @Test
    void theExtraTrustStoreAddsToTheJdksCertificates(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("ca.p12");
        Path cert = dir.resolve("ca.crt");
        Path trust = dir.resolve("trust.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "1", "-dname",
                "CN=Contoso Private CA", "-keystore", keys.toString(), "-storetype", "PKCS12", "-storepass", "secret1");
        keytool("-exportcert", "-alias", "ca", "-keystore", keys.toString(), "-storepass", "secret1", "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "contoso", "-file", cert.toString(), "-keystore",
                trust.toString(), "-storetype", "PKCS12", "-storepass", "secret1");

        KeyStore combined = AzureTrust.load(new Trust(Optional.of(trust), Optional.of("secret1"), "PKCS12"))
                .keyStore().orElseThrow();
        List<String> aliases = Collections.list(combined.aliases());
        assertThat(aliases).contains("extra-contoso");
        assertThat(aliases.stream().filter(a -> a.startsWith("jdk-")).count()).isGreaterThan(10);
        assertThat(AzureTrust.load(NO_TRUST).keyStore()).isEmpty();
        assertThatThrownBy(() -> AzureTrust.load(new Trust(Optional.of(trust), Optional.of("wrong"), "PKCS12")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("azure.trust-store.path: cannot read " + trust + " as PKCS12: ");
        Files.delete(keys);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }
}
