package dev.strata.agent.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Strict parsing of addresses, CIDRs, ports and names. Nothing here resolves a host name:
 * only literals are accepted, so a value that passes can be written into an nft or ip command
 * without any chance of being read as something else.
 */
public final class Net {

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    /** Linux interface names: at most 15 bytes; we allow the safe subset. */
    private static final Pattern IFNAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]{0,14}");
    /** Names that become part of nft chain and counter names. */
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z][a-zA-Z0-9_]{0,31}");

    private Net() {
    }

    /** An IP address literal, IPv4 dotted quad or IPv6, normalised. */
    public static Optional<InetAddress> ip(String s) {
        if (s == null) {
            return Optional.empty();
        }
        try {
            byte[] v4 = ipv4(s, 0, s.length());
            if (v4 != null) {
                return Optional.of(InetAddress.getByAddress(v4));
            }
            if (s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches()) {
                InetAddress a = InetAddress.getByName(s);
                return a instanceof Inet6Address ? Optional.of(a) : Optional.empty();
            }
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /**
     * A dotted quad between {@code from} and {@code to}, or null: four decimal numbers 0-255
     * without leading zeros ({@code 010} could be read as octal elsewhere). Written out rather
     * than a regular expression plus {@link InetAddress#getByName}: validation and rendering
     * parse every address of 10,000 rules, and this is a few times faster and allocates nothing
     * but the result.
     */
    static byte[] ipv4(String s, int from, int to) {
        byte[] out = new byte[4];
        int part = 0;
        int i = from;
        while (true) {
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                value = value * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && s.charAt(start) == '0')) {
                return null;
            }
            out[part++] = (byte) value;
            if (part == 4) {
                return i == to ? out : null;
            }
            if (i >= to || s.charAt(i) != '.') {
                return null;
            }
            i++;
        }
    }

    /** A decimal number of 1 to {@code maxDigits} digits filling {@code from..to}, or -1. */
    private static int number(String s, int from, int to, int maxDigits) {
        if (to <= from || to - from > maxDigits) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** An address with a prefix length, e.g. 10.1.1.1/24 or 2001:db8::1/64; a bare address is a host prefix. */
    public static Optional<Cidr> cidr(String s) {
        if (s == null) {
            return Optional.empty();
        }
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        Optional<InetAddress> a = ip(addr);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        int max = a.get() instanceof Inet4Address ? 32 : 128;
        int prefix = max;
        if (slash >= 0) {
            prefix = number(s, slash + 1, s.length(), 3);
            if (prefix < 0 || prefix > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new Cidr(a.get(), prefix));
    }

    public static Optional<PortRange> ports(String s) {
        if (s == null) {
            return Optional.empty();
        }
        // "80", "1000-2000", or CloudStack's "1000:2000"
        int sep = s.indexOf('-');
        if (sep < 0) {
            sep = s.indexOf(':');
        }
        int lo = number(s, 0, sep < 0 ? s.length() : sep, 5);
        int hi = sep < 0 ? lo : number(s, sep + 1, s.length(), 5);
        if (lo < 1 || hi < 1 || hi > 65535 || lo > hi) {
            return Optional.empty();
        }
        return Optional.of(new PortRange(lo, hi));
    }

    public static boolean isInterfaceName(String s) {
        return s != null && IFNAME.matcher(s).matches();
    }

    public static boolean isIdentifier(String s) {
        return s != null && IDENT.matcher(s).matches();
    }

    public static boolean isV4(InetAddress a) {
        return a instanceof Inet4Address;
    }

    public static String text(InetAddress a) {
        String h = a.getHostAddress();
        int pct = h.indexOf('%');
        return pct < 0 ? h : h.substring(0, pct);
    }

    /** An address and prefix length. */
    public record Cidr(InetAddress address, int prefix) {

        public boolean v4() {
            return address instanceof Inet4Address;
        }

        /** The network address: host bits cleared. */
        public Cidr network() {
            byte[] b = address.getAddress();
            for (int i = 0; i < b.length; i++) {
                int keep = Math.max(0, Math.min(8, prefix - i * 8));
                b[i] = (byte) (b[i] & (0xff << (8 - keep)));
            }
            try {
                return new Cidr(InetAddress.getByAddress(b), prefix);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        public boolean contains(InetAddress a) {
            if (v4() != (a instanceof Inet4Address)) {
                return false;
            }
            return new Cidr(a, prefix).network().equals(network());
        }

        public boolean overlaps(Cidr o) {
            if (v4() != o.v4()) {
                return false;
            }
            int p = Math.min(prefix, o.prefix);
            return new Cidr(address, p).network().equals(new Cidr(o.address, p).network());
        }

        /** As written into nft and ip: address/prefix, the address as given (host bits kept). */
        @Override
        public String toString() {
            return text(address) + "/" + prefix;
        }
    }

    /** A port or inclusive port range. */
    public record PortRange(int low, int high) {
        public int size() {
            return high - low + 1;
        }

        public boolean overlaps(PortRange o) {
            return low <= o.high && o.low <= high;
        }

        @Override
        public String toString() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }
}
