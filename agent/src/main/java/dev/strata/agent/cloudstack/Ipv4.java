package dev.strata.agent.cloudstack;

/** The little IPv4 arithmetic CloudStack's files need (netmasks to prefixes, a host's network). */
final class Ipv4 {

    private Ipv4() {
    }

    static Long parse(String s) {
        String[] p = s.strip().split("\\.", -1);
        if (p.length != 4) {
            return null;
        }
        long v = 0;
        for (String o : p) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit)) {
                return null;
            }
            int n = Integer.parseInt(o);
            if (n > 255) {
                return null;
            }
            v = v << 8 | n;
        }
        return v;
    }

    static Integer maskToPrefix(String mask) {
        Long m = parse(mask);
        if (m == null) {
            return null;
        }
        int prefix = Long.numberOfLeadingZeros(~m & 0xffffffffL) - 32;
        long expect = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return m == expect ? prefix : null;
    }

    static String text(long v) {
        return (v >> 24 & 255) + "." + (v >> 16 & 255) + "." + (v >> 8 & 255) + "." + (v & 255);
    }

    /** The network of {@code ip}/{@code prefix} as a CIDR, or the text as given if it is not IPv4. */
    static String network(String ip, int prefix) {
        Long v = parse(ip);
        if (v == null) {
            return ip + "/" + prefix;
        }
        long mask = prefix == 0 ? 0 : (0xffffffffL << (32 - prefix)) & 0xffffffffL;
        return text(v & mask) + "/" + prefix;
    }
}
