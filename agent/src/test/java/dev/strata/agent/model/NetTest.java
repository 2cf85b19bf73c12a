package dev.strata.agent.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written IPv4, prefix and port parsers accept exactly what the regular expressions
 * they replaced accepted (kept here as the reference), on chosen and on random input.
 */
class NetTest {

    private static final Pattern REF_IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern REF_PORTS = Pattern.compile("(\\d{1,5})(?:[-:](\\d{1,5}))?");
    private static final Pattern REF_PREFIX = Pattern.compile("\\d{1,3}");

    static Optional<byte[]> refIpv4(String s) {
        if (!REF_IPV4.matcher(s).matches()) {
            return Optional.empty();
        }
        byte[] b = new byte[4];
        String[] p = s.split("\\.");
        for (int i = 0; i < 4; i++) {
            b[i] = (byte) Integer.parseInt(p[i]);
        }
        return Optional.of(b);
    }

    static Optional<Net.PortRange> refPorts(String s) {
        Matcher m = REF_PORTS.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        int lo = Integer.parseInt(m.group(1));
        int hi = m.group(2) != null ? Integer.parseInt(m.group(2)) : lo;
        return lo < 1 || hi > 65535 || lo > hi ? Optional.empty() : Optional.of(new Net.PortRange(lo, hi));
    }

    static Optional<Integer> refPrefix(String cidr, int max) {
        int slash = cidr.indexOf('/');
        if (slash < 0 || refIpv4(cidr.substring(0, slash)).isEmpty()) {
            return Optional.empty();
        }
        String p = cidr.substring(slash + 1);
        if (!REF_PREFIX.matcher(p).matches() || Integer.parseInt(p) > max) {
            return Optional.empty();
        }
        return Optional.of(Integer.parseInt(p));
    }

    static void same(String s) {
        Optional<byte[]> want = refIpv4(s);
        Optional<InetAddress> got = Net.ip(s);
        if (s.indexOf(':') < 0) {
            assertThat(got.map(InetAddress::getAddress).map(Arrays::toString)).as("ip(%s)", s)
                    .isEqualTo(want.map(Arrays::toString));
        }
        assertThat(Net.ports(s)).as("ports(%s)", s).isEqualTo(refPorts(s));
        if (s.indexOf(':') < 0 && s.indexOf('/') >= 0) {
            assertThat(Net.cidr(s).map(Net.Cidr::prefix)).as("cidr(%s)", s).isEqualTo(refPrefix(s, 32));
        }
    }

    @Test
    void chosenEdgesAreParsedAsBefore() {
        for (String s : new String[] {"0.0.0.0", "255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
            "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1234.1.1.1", "10.0.0.1/8", "10.0.0.1/33", "10.0.0.1/032",
            "10.0.0.1/", "10.0.0.1/1/2", "80", "0", "65535", "65536", "1000-2000", "1000:2000", "2000-1000", "00080", "-80", "80-",
            "1-2-3", "1:2-3", "123456", "80-065535", "", "a", "1.2.3.4/24"}) {
            same(s);
        }
    }

    @Test
    void randomInputIsParsedAsBefore() {
        Random r = new Random(20261201);
        String alphabet = "0123456789..//--::x 5";
        for (int n = 0; n < 200_000; n++) {
            StringBuilder b = new StringBuilder();
            int len = r.nextInt(18);
            for (int i = 0; i < len; i++) {
                b.append(alphabet.charAt(r.nextInt(alphabet.length())));
            }
            same(b.toString());
        }
        // Mostly well-formed quads and prefixes, so that the accepting paths are covered too.
        for (int n = 0; n < 100_000; n++) {
            String s = r.nextInt(300) + "." + r.nextInt(300) + "." + r.nextInt(300) + "." + r.nextInt(300)
                    + (r.nextBoolean() ? "/" + r.nextInt(40) : "");
            same(s);
        }
    }
}
