package io.amlrouter.rules.action;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which IP addresses outbound requests of the rules file (webhooks, pipeline endpoints) may reach. Refused
 * unless a range of {@code rules.urls.allowed-private} covers them: loopback, link-local (cloud metadata
 * endpoints), private (RFC 1918), shared (CGNAT 100.64/10), unique-local (fc00::/7), unspecified, multicast,
 * documentation, benchmarking and reserved ranges, Azure's platform address 168.63.129.16, and IPv6 forms
 * that carry an IPv4 address (IPv4-mapped, NAT64, 6to4) whose IPv4 address is refused. The loader checks
 * address literals; the HTTP client checks every address a name resolves to, and connects to the address it
 * checked (so a name that resolves differently later, DNS rebinding, gains nothing).
 */
public final class AddressPolicy {

    /** A special range and what it is, as messages name it. */
    private record Special(Cidr range, String what) {
    }

    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "^(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}$");

    private static final List<Special> SPECIAL = List.of(
            special("0.0.0.0/8", "an unspecified (\"this network\") address"),
            special("10.0.0.0/8", "a private address (RFC 1918)"),
            special("100.64.0.0/10", "a shared address (CGNAT, RFC 6598)"),
            special("127.0.0.0/8", "a loopback address"),
            special("168.63.129.16/32", "Azure's platform address (WireServer)"),
            special("169.254.0.0/16", "a link-local address (cloud metadata endpoints)"),
            special("172.16.0.0/12", "a private address (RFC 1918)"),
            special("192.0.0.0/24", "an IETF protocol assignment address"),
            special("192.0.2.0/24", "a documentation address"),
            special("192.88.99.0/24", "a 6to4 relay address"),
            special("192.168.0.0/16", "a private address (RFC 1918)"),
            special("198.18.0.0/15", "a benchmarking address"),
            special("198.51.100.0/24", "a documentation address"),
            special("203.0.113.0/24", "a documentation address"),
            special("224.0.0.0/4", "a multicast address"),
            special("240.0.0.0/4", "a reserved address"),
            special("::/128", "the unspecified address"),
            special("::1/128", "a loopback address"),
            special("::/96", "an IPv4-compatible address (deprecated)"),
            special("64:ff9b:1::/48", "a local-use NAT64 address"),
            special("100::/64", "a discard-only address"),
            special("2001::/32", "a Teredo address"),
            special("2001:db8::/32", "a documentation address"),
            special("fc00::/7", "a unique-local address (fc00::/7)"),
            special("fe80::/10", "a link-local address"),
            special("fec0::/10", "a site-local address (deprecated)"),
            special("ff00::/8", "a multicast address"));

    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private final List<Cidr> allowed;
    private final List<String> entries;

    private AddressPolicy(List<Cidr> allowed, List<String> entries) {
        this.allowed = List.copyOf(allowed);
        this.entries = List.copyOf(entries);
    }

    /** Refuses every special address. */
    public static AddressPolicy strict() {
        return new AddressPolicy(List.of(), List.of());
    }

    /**
     * Allows the special addresses in these ranges ({@code 10.20.0.0/16}, {@code 127.0.0.1}, {@code ::1},
     * {@code fd00::/8}); a single address is a range of one.
     *
     * @throws IllegalArgumentException naming an entry that is not an address or a range
     */
    public static AddressPolicy allowing(List<String> ranges) {
        List<Cidr> cidrs = new ArrayList<>();
        List<String> entries = new ArrayList<>();
        for (String r : ranges) {
            if (r == null || r.isBlank()) {
                continue;
            }
            cidrs.add(Cidr.parse(r.strip()));
            entries.add(r.strip());
        }
        return new AddressPolicy(cidrs, entries);
    }

    /** The ranges as configured, for messages. */
    public List<String> allowedRanges() {
        return entries;
    }

    /**
     * Why this address may not be reached ("127.0.0.1 is a loopback address"), or empty when it may: a
     * public address, or a special one inside an allowed range.
     */
    public Optional<String> refusal(InetAddress address) {
        Optional<String> what = specialKind(address);
        if (what.isEmpty() || allowed.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        return Optional.of(address.getHostAddress() + " is " + what.get());
    }

    /** What kind of special address this is, or empty for a public one. */
    static Optional<String> specialKind(InetAddress address) {
        Optional<InetAddress> embedded = embeddedIpv4(address);
        if (embedded.isPresent()) {
            return specialKind(embedded.get()).map(w -> "an IPv6 form of " + embedded.get().getHostAddress()
                    + ", " + w);
        }
        for (Special s : SPECIAL) {
            if (s.range().contains(address)) {
                return Optional.of(s.what());
            }
        }
        return Optional.empty();
    }

    /**
     * The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address stands for. IPv4-mapped addresses
     * ({@code ::ffff:127.0.0.1}) need no such step: Java reads them as the IPv4 address itself.
     */
    private static Optional<InetAddress> embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        byte[] v4;
        if (NAT64.contains(address)) {
            v4 = Arrays.copyOfRange(b, 12, 16);
        } else if (SIX_TO_FOUR.contains(address)) {
            v4 = Arrays.copyOfRange(b, 2, 6);
        } else {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByAddress(v4));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The address a URL's host names literally, without any lookup: {@code [v6]} or a dotted-decimal IPv4
     * address. Empty for a name.
     */
    public static Optional<InetAddress> literal(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            return Optional.of(parseLiteral(h.substring(1, h.length() - 1)));
        }
        if (CANONICAL_IPV4.matcher(h).matches()) {
            return Optional.of(parseLiteral(h));
        }
        return Optional.empty();
    }

    /**
     * Whether a host is a number in some other form than dotted decimal ({@code 2130706433}, {@code 0x7f000001},
     * {@code 0177.0.0.1}, {@code 127.1}): resolvers read these as IPv4 addresses, differently from one another.
     * No DNS name ends in a label that starts with a digit.
     */
    public static boolean nonCanonicalNumber(String host) {
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String last = h.substring(h.lastIndexOf('.') + 1);
        return !h.startsWith("[") && !last.isEmpty() && Character.isDigit(last.charAt(0))
                && !CANONICAL_IPV4.matcher(h).matches();
    }

    private static InetAddress parseLiteral(String text) {
        if (!text.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address");
        }
        try {
            return InetAddress.getByName(text); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not an IP address", e);
        }
    }

    private static Special special(String range, String what) {
        return new Special(Cidr.parse(range), what);
    }

    @Override
    public String toString() {
        return "AddressPolicy" + entries;
    }

    /** An address range: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address. */
    record Cidr(InetAddress network, int prefix) {

        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String addr = slash < 0 ? text : text.substring(0, slash);
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            if (!addr.contains(":") && !CANONICAL_IPV4.matcher(addr).matches()) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IP address or range (a.b.c.d/n, x:y::/n)");
            }
            InetAddress network;
            try {
                network = parseLiteral(addr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + text + "\" is not an IP address or range (a.b.c.d/n, x:y::/n)");
            }
            int bits = network.getAddress().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("\"" + text + "\": the prefix length must be 0 to " + bits);
                }
            }
            return new Cidr(network, prefix);
        }

        boolean contains(InetAddress address) {
            byte[] a = address.getAddress();
            byte[] n = network.getAddress();
            if (a.length != n.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (a[i] != n[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (a[full] & mask) == (n[full] & mask);
        }
    }
}
