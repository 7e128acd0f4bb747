package io.amlrouter.rules.action;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

import io.amlrouter.rules.StrictObject;

/**
 * Checks the URLs actions send requests to (webhooks, pipeline endpoints). They are written in the
 * rules file and fixed there: no placeholder may appear in them, so event data never chooses a host,
 * a port or a path. They must be absolute https URLs (http only with {@code rules.urls.allow-http}),
 * carry no credentials, and name a host of {@code rules.urls.allowed-hosts} when that list is set.
 */
final class OutboundUrls {

    private OutboundUrls() {
    }

    /** Reads and checks the URL under {@code key}; empty (and reported) when it is not acceptable. */
    static Optional<URI> parse(StrictObject o, String key, ActionSettings settings) {
        Optional<String> value = o.string(key, true);
        if (value.isEmpty()) {
            return Optional.empty();
        }
        String url = value.get().strip();
        String path = o.path(key);
        if (url.contains("{") || url.contains("}")) {
            o.diagnostics().error(path, "\"" + url + "\": placeholders are not allowed in URLs; the URL is fixed in "
                    + "the rules file so event data never chooses where requests go");
            return Optional.empty();
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            o.diagnostics().error(path, "\"" + url + "\" is not a valid URL: " + e.getReason());
            return Optional.empty();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || uri.getHost().isEmpty()) {
            o.diagnostics().error(path, "\"" + url + "\" is not an absolute URL with a host");
            return Optional.empty();
        }
        if (scheme.equals("http") && !settings.allowHttp()) {
            o.diagnostics().error(path, "\"" + url + "\" uses http; only https URLs are allowed "
                    + "(rules.urls.allow-http permits http for development)");
            return Optional.empty();
        }
        if (!scheme.equals("https") && !scheme.equals("http")) {
            o.diagnostics().error(path, "\"" + url + "\" must be an https URL");
            return Optional.empty();
        }
        if (uri.getRawUserInfo() != null) {
            o.diagnostics().error(path, "\"" + url + "\" must not carry credentials; send them with secretHeaders");
            return Optional.empty();
        }
        if (uri.getRawFragment() != null) {
            o.diagnostics().error(path, "\"" + url + "\" must not have a fragment (#...)");
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (!settings.allowedHosts().isEmpty() && settings.allowedHosts().stream().noneMatch(a -> allows(a, host))) {
            o.diagnostics().error(path, "host \"" + host + "\" is not in rules.urls.allowed-hosts "
                    + settings.allowedHosts());
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    private static boolean allows(String allowed, String host) {
        String a = allowed.strip().toLowerCase(Locale.ROOT);
        if (a.startsWith("*.")) {
            return host.endsWith(a.substring(1)) && host.length() > a.length() - 1;
        }
        return a.equals(host);
    }
}
