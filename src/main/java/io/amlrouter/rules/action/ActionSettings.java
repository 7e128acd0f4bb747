package io.amlrouter.rules.action;

import java.util.List;

/**
 * Limits that apply while loading actions. The service fills them from configuration; the offline
 * linter uses {@link #defaults()}.
 *
 * @param maxRecipients most addresses in to + cc + bcc of one mail
 * @param allowedHosts hosts outbound URLs of the rules file (webhooks, pipeline endpoints) may name;
 *        empty for any
 * @param allowHttp accept {@code http://} URLs (development only; https otherwise)
 */
public record ActionSettings(int maxRecipients, List<String> allowedHosts, boolean allowHttp) {

    public static ActionSettings defaults() {
        return new ActionSettings(20, List.of(), false);
    }
}
