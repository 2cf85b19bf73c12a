package dev.strata.agent.plane;

/** nft's words for one address family. */
enum Family {
    V4("4", "ip", "ipv4_addr", "icmp", "icmp_type", "icmp_code", "0.0.0.0/0"),
    V6("6", "ip6", "ipv6_addr", "icmpv6", "icmpv6_type", "icmpv6_code", "::/0");

    final String suffix;
    final String ip;
    final String addrType;
    final String icmp;
    final String icmpType;
    final String icmpCode;
    final String any;

    Family(String suffix, String ip, String addrType, String icmp, String icmpType, String icmpCode, String any) {
        this.suffix = suffix;
        this.ip = ip;
        this.addrType = addrType;
        this.icmp = icmp;
        this.icmpType = icmpType;
        this.icmpCode = icmpCode;
        this.any = any;
    }

    static Family of(boolean v4) {
        return v4 ? V4 : V6;
    }
}
