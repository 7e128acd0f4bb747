package io.amlrouter.rules.action;

import java.util.List;
import java.util.function.Predicate;

/**
 * Limits that apply while loading actions. The service fills them from configuration; the offline
 * linter uses {@link #defaults()}.
 *
 * @param maxRecipients most addresses in to + cc + bcc of one mail
 * @param allowedHosts hosts outbound URLs of the rules file (webhooks, pipeline endpoints) may name;
 *        empty for any. An entry {@code *.example.com} allows every subdomain of example.com.
 * @param allowHttp accept {@code http://} URLs (development only; https otherwise)
 * @param secretDefined tells whether a secret named by {@code secretHeaders} is configured; null when
 *        it cannot be told (the offline linter), and then it is not checked
 */
public record ActionSettings(int maxRecipients, List<String> allowedHosts, boolean allowHttp,
        Predicate<String> secretDefined) {

    public ActionSettings {
        allowedHosts = List.copyOf(allowedHosts);
    }

    /** Settings that do not check secrets. */
    public ActionSettings(int maxRecipients, List<String> allowedHosts, boolean allowHttp) {
        this(maxRecipients, allowedHosts, allowHttp, null);
    }

    public static ActionSettings defaults() {
        return new ActionSettings(20, List.of(), false);
    }
}
