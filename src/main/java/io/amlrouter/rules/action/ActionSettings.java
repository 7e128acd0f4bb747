package io.amlrouter.rules.action;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Limits that apply while loading actions. The service fills them from configuration; the offline
 * linter uses {@link #defaults()}.
 *
 * @param maxRecipients most addresses in to + cc + bcc of one mail
 * @param allowedHosts hosts outbound URLs of the rules file (webhooks, pipeline endpoints) may name, each with
 *        its port or for the default port ({@link AllowedHost}); empty for any
 * @param allowHttp accept {@code http://} URLs (development only; https otherwise)
 * @param secretDefined tells whether a secret named by {@code secretHeaders} is configured; null when
 *        it cannot be told (the offline linter), and then it is not checked
 * @param addresses the special addresses URLs may reach; null when it cannot be told (the offline linter),
 *        and then an address literal in a special range is a warning instead of an error
 * @param recipientDomains the domains mail recipients may be in ({@code contoso.com}, {@code *.contoso.com});
 *        empty for any
 */
public record ActionSettings(int maxRecipients, List<AllowedHost> allowedHosts, boolean allowHttp,
        Predicate<String> secretDefined, AddressPolicy addresses, List<String> recipientDomains) {

    public ActionSettings {
        allowedHosts = List.copyOf(allowedHosts);
        recipientDomains = recipientDomains.stream().map(d -> d.strip().toLowerCase(Locale.ROOT))
                .filter(d -> !d.isEmpty()).toList();
    }

    /**
     * Settings from configuration values: allowed hosts and private ranges as written there.
     *
     * @throws IllegalArgumentException naming an entry of either list that cannot be read
     */
    public static ActionSettings of(int maxRecipients, List<String> allowedHosts, boolean allowHttp,
            Predicate<String> secretDefined, List<String> allowedPrivate, List<String> recipientDomains) {
        return new ActionSettings(maxRecipients, allowedHosts.stream().filter(h -> !h.isBlank())
                .map(AllowedHost::parse).toList(), allowHttp, secretDefined, AddressPolicy.allowing(allowedPrivate),
                recipientDomains);
    }

    /** Settings with no special address and any recipient domain allowed. */
    public ActionSettings(int maxRecipients, List<String> allowedHosts, boolean allowHttp,
            Predicate<String> secretDefined) {
        this(maxRecipients, allowedHosts.stream().map(AllowedHost::parse).toList(), allowHttp, secretDefined,
                AddressPolicy.strict(), List.of());
    }

    /** Settings that do not check secrets. */
    public ActionSettings(int maxRecipients, List<String> allowedHosts, boolean allowHttp) {
        this(maxRecipients, allowedHosts, allowHttp, null);
    }

    /** The offline linter's: nothing it cannot know is checked. */
    public static ActionSettings defaults() {
        return new ActionSettings(20, List.of(), false, null, null, List.of());
    }

    /**
     * Whether a mail may go to this address (valid syntax assumed), by its domain: {@code contoso.com} allows
     * that domain, {@code *.contoso.com} its subdomains.
     */
    public boolean recipientAllowed(String address) {
        return recipientAllowed(recipientDomains, address);
    }

    static boolean recipientAllowed(List<String> domains, String address) {
        if (domains.isEmpty()) {
            return true;
        }
        String domain = address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        return domains.stream().anyMatch(d -> d.startsWith("*.")
                ? domain.endsWith(d.substring(1)) && domain.length() > d.length() - 1
                : d.equals(domain));
    }
}
