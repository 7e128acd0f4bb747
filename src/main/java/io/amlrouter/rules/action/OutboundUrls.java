package io.amlrouter.rules.action;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

import io.amlrouter.rules.diagnostics.StrictObject;

/**
 * Checks the URLs actions send requests to (webhooks, pipeline endpoints). They are written in the
 * rules file and fixed there: no placeholder may appear in them, so event data never chooses a host,
 * a port or a path. They must be absolute https URLs (http only with {@code rules.urls.allow-http}),
 * carry no credentials, and name a host and port of {@code rules.urls.allowed-hosts} when that list is set.
 * A host written as an IP address must be dotted decimal or {@code [IPv6]} and not in a special range
 * ({@link AddressPolicy}) unless {@code rules.urls.allowed-private} covers it; names are checked when they
 * are resolved, before each request.
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
        if (AddressPolicy.nonCanonicalNumber(host)) {
            o.diagnostics().error(path, "\"" + url + "\": host \"" + host + "\" is a number but not a dotted-decimal "
                    + "IPv4 address (a.b.c.d); resolvers read such forms (2130706433, 0x7f000001, 0177.0.0.1) "
                    + "differently, so they are refused");
            return Optional.empty();
        }
        if (!addressAllowed(o, path, url, host, settings)) {
            return Optional.empty();
        }
        int defaultPort = scheme.equals("http") ? 80 : 443;
        int port = uri.getPort() < 0 ? defaultPort : uri.getPort();
        if (!settings.allowedHosts().isEmpty()
                && settings.allowedHosts().stream().noneMatch(a -> a.allows(host, port, defaultPort))) {
            o.diagnostics().error(path, "host \"" + host + "\" port " + port + " is not in rules.urls.allowed-hosts "
                    + settings.allowedHosts() + " (an entry without a port allows port " + defaultPort + " only)");
            return Optional.empty();
        }
        return Optional.of(uri);
    }

    /**
     * An IP address written in the URL is checked now; a name is checked when it is resolved, before each
     * request. The linter, which does not know {@code rules.urls.allowed-private}, only warns.
     */
    private static boolean addressAllowed(StrictObject o, String path, String url, String host,
            ActionSettings settings) {
        Optional<InetAddress> literal;
        try {
            literal = AddressPolicy.literal(host);
        } catch (IllegalArgumentException e) {
            o.diagnostics().error(path, "\"" + url + "\": " + e.getMessage());
            return false;
        }
        if (literal.isEmpty()) {
            return true;
        }
        if (settings.addresses() == null) {
            AddressPolicy.strict().refusal(literal.get()).ifPresent(why -> o.diagnostics().warning(path, "\"" + url
                    + "\": " + why + "; the service refuses it unless rules.urls.allowed-private covers it"));
            return true;
        }
        Optional<String> refusal = settings.addresses().refusal(literal.get());
        refusal.ifPresent(why -> o.diagnostics().error(path, "\"" + url + "\": " + why + "; requests may not go "
                + "there unless rules.urls.allowed-private covers it"));
        return refusal.isEmpty();
    }
}
