package dev.strata.agent.service;

import dev.strata.agent.model.Net;
import dev.strata.agent.model.Problem;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Field checks shared by services. Each returns the parsed value (or empty, having recorded the
 * problem with its JSON path), so a plan consumes values that were checked, never re-parses them.
 */
public final class Checks {

    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");
    /** A DNS label (RFC 1123): what dnsmasq and every resolver carry. */
    private static final Pattern HOST = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?");
    private static final Pattern DOMAIN = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?"
            + "(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?){0,20}");

    private final List<Problem> problems = new ArrayList<>();

    public List<Problem> problems() {
        return problems;
    }

    public void add(String path, Object value, String message) {
        problems.add(new Problem(path, value == null ? null : String.valueOf(value), message));
    }

    public Optional<Inet4Address> ipv4(String path, String value, boolean required) {
        if (value == null) {
            if (required) {
                add(path, null, "missing");
            }
            return Optional.empty();
        }
        Optional<InetAddress> a = Net.ip(value);
        if (a.isEmpty() || !(a.get() instanceof Inet4Address v4)) {
            add(path, value, "not an IPv4 address");
            return Optional.empty();
        }
        return Optional.of(v4);
    }

    public Optional<Net.Cidr> cidr(String path, String value) {
        Optional<Net.Cidr> c = value == null ? Optional.empty() : Net.cidr(value);
        if (c.isEmpty()) {
            add(path, value, "not an address with a valid prefix length");
        }
        return c;
    }

    /** A MAC address, lower-cased (the one spelling DHCP and the firewall compare). */
    public Optional<String> mac(String path, String value) {
        if (value == null || !MAC.matcher(value).matches()) {
            add(path, value, "expected a MAC address like 02:00:0a:01:01:05");
            return Optional.empty();
        }
        return Optional.of(value.toLowerCase(java.util.Locale.ROOT));
    }

    public Optional<String> hostName(String path, String value) {
        if (value == null || !HOST.matcher(value).matches()) {
            add(path, value, "not a host name DNS can carry (1-63 letters, digits and '-', not starting or ending with '-')");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    public Optional<String> domain(String path, String value) {
        if (value == null || value.length() > 253 || !DOMAIN.matcher(value).matches()) {
            add(path, value, "not a DNS domain name");
            return Optional.empty();
        }
        return Optional.of(value.toLowerCase(java.util.Locale.ROOT));
    }

    /** Records "conflicts with" naming both places when {@code key} was seen before. */
    public <K> boolean unique(Map<K, String> seen, K key, String path, String what) {
        String first = seen.putIfAbsent(key, path);
        if (first != null) {
            add(path, String.valueOf(key), "conflicts with " + first + ": the same " + what + " in two places");
            return false;
        }
        return true;
    }

    public static <K> Map<K, String> seen() {
        return new HashMap<>();
    }
}
