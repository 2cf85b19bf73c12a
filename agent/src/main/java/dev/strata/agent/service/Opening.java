package dev.strata.agent.service;

/**
 * A port a service opens in the input chain: exactly this protocol and port, on exactly this
 * interface (validated name), for traffic addressed to the router itself.
 */
public record Opening(String interfaceName, String protocol, int port) implements Comparable<Opening> {

    public Opening {
        if (!protocol.equals("tcp") && !protocol.equals("udp")) {
            throw new IllegalArgumentException("opening protocol " + protocol);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("opening port " + port);
        }
    }

    @Override
    public int compareTo(Opening o) {
        int c = interfaceName.compareTo(o.interfaceName);
        if (c == 0) {
            c = protocol.compareTo(o.protocol);
        }
        return c != 0 ? c : Integer.compare(port, o.port);
    }

    /** As an element of the input chain's {@code ifname . inet_proto . inet_service} set. */
    public String element() {
        return "\"" + interfaceName + "\" . " + protocol + " . " + port;
    }
}
