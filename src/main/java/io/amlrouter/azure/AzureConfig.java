package io.amlrouter.azure;

import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the service reaches Azure: the Resource Manager endpoint, the Entra ID sign-in, and extra
 * trusted certificates. Key names match azure-identity's environment variables where they overlap
 * ({@code azure.client-id} is {@code AZURE_CLIENT_ID}, {@code azure.tenant-id} is
 * {@code AZURE_TENANT_ID}, {@code azure.client-secret} is {@code AZURE_CLIENT_SECRET},
 * {@code azure.authority-host} is {@code AZURE_AUTHORITY_HOST}), so the variables AKS workload identity
 * injects configure both. Nothing here is contacted at startup: the service starts without Azure.
 */
@ConfigMapping(prefix = "azure")
public interface AzureConfig {

    /** Full key of {@link #credential()}, for messages. */
    String CREDENTIAL = "azure.credential";

    /**
     * Azure Resource Manager. ARM tokens are requested for {@code {arm-endpoint}/.default}, so a
     * sovereign cloud needs only this and the authority host, e.g. https://management.usgovcloudapi.net
     * or https://management.chinacloudapi.cn. Defaults to https://management.azure.com.
     */
    @WithDefault("https://management.azure.com")
    URI armEndpoint();

    /**
     * The Microsoft Entra ID host tokens are requested from (https only), e.g.
     * https://login.microsoftonline.us. Defaults to azure-identity's own default:
     * {@code AZURE_AUTHORITY_HOST}, else https://login.microsoftonline.com/.
     */
    Optional<String> authorityHost();

    /**
     * How the service signs in. {@code default}: azure-identity's DefaultAzureCredential chain (AKS
     * workload identity from AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_FEDERATED_TOKEN_FILE, environment
     * client secret, managed identity, Azure CLI locally). {@code client-secret}: exactly one app
     * registration with {@code tenant-id}, {@code client-id} and {@code client-secret} (automation,
     * tests). Defaults to default.
     */
    @WithDefault("default")
    CredentialMode credential();

    /** The Entra tenant. Required with client-secret; optional otherwise. No default. */
    Optional<String> tenantId();

    /**
     * The application (client) id: of the app registration with client-secret, of the user-assigned
     * managed or workload identity otherwise. No default.
     */
    Optional<String> clientId();

    /** The client secret, with client-secret only; from a Secret, never a ConfigMap. No default. */
    Optional<String> clientSecret();

    /** Certificates to trust besides the JDK's own (a private CA, a TLS-inspecting proxy, test stubs). */
    TrustStore trustStore();

    interface TrustStore {
        /**
         * A key store file whose certificates are trusted in addition to the JDK's for every outbound
         * HTTPS call of the actions (Entra ID, ARM, pipeline endpoints, webhooks). No default.
         */
        Optional<Path> path();

        /** Its password. No default. */
        Optional<String> password();

        /** Its type. Defaults to PKCS12. */
        @WithDefault("PKCS12")
        String type();
    }

    enum CredentialMode {
        DEFAULT,
        CLIENT_SECRET
    }
}
