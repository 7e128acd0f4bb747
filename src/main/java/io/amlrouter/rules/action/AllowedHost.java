package io.amlrouter.rules.action;

import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One entry of {@code rules.urls.allowed-hosts}: a host ({@code hooks.contoso.com}, an IP address, {@code [v6]})
 * or every subdomain of a domain ({@code *.contoso.com}), with an optional port ({@code hooks.contoso.com:8443}).
 * Without a port the entry allows the scheme's default port only (443 for https, 80 for http), so an allowed
 * host cannot be used to reach its other services (a Redis on 6379, an admin port).
 *
 * @param host the host or {@code *.domain}, lower case; IPv6 in brackets as URLs write it
 * @param port the port, when the entry names one
 */
public record AllowedHost(String host, OptionalInt port) {

    private static final Pattern ENTRY = Pattern.compile(
            "^(\\*\\.[a-z0-9.-]+|[a-z0-9][a-z0-9.-]*|\\[[0-9a-f:.]+\\])(?::(\\d{1,5}))?$");

    /**
     * Reads an entry.
     *
     * @throws IllegalArgumentException when it is neither host, {@code *.domain} nor either with {@code :port}
     */
    public static AllowedHost parse(String entry) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        Matcher m = ENTRY.matcher(e);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + entry.strip() + "\" is not a host, *.domain or either with "
                    + ":port");
        }
        OptionalInt port = OptionalInt.empty();
        if (m.group(2) != null) {
            int p = Integer.parseInt(m.group(2));
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("\"" + entry.strip() + "\": the port must be 1 to 65535");
            }
            port = OptionalInt.of(p);
        }
        return new AllowedHost(m.group(1), port);
    }

    /** Whether a URL to {@code host} (lower case) on {@code port} (the scheme's default filled in) is allowed. */
    public boolean allows(String host, int port, int defaultPort) {
        boolean hostMatches = this.host.startsWith("*.")
                ? host.endsWith(this.host.substring(1)) && host.length() > this.host.length() - 1
                : this.host.equals(host);
        return hostMatches && port == this.port.orElse(defaultPort);
    }

    @Override
    public String toString() {
        return host + (port.isPresent() ? ":" + port.getAsInt() : "");
    }
}
