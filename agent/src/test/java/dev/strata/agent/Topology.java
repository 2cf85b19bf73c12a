package dev.strata.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces for one test run, named {@code sa<id>-<role>} so that runs never collide:
 * a router with a public veth to an "outside" namespace and two guest veths to two "VM"
 * namespaces. Inside the namespaces interface names are fixed (sa-pub, sa-g1, sa-g2, sa-out,
 * sa-vm). {@link #close()} deletes every namespace (their veths go with them).
 */
final class Topology implements AutoCloseable {

    final String id = "sa" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0xffff));
    final String router = id + "-r";
    final String outside = id + "-o";
    final String guest1 = id + "-g1";
    final String guest2 = id + "-g2";
    private final List<String> made = new ArrayList<>();

    /** Only namespaces, loopback up: for tests that need an isolated kernel but no links. */
    static Topology routerOnly() {
        Topology t = new Topology();
        t.ns(t.router);
        return t;
    }

    static Topology full() {
        Topology t = new Topology();
        try {
            t.build();
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
        return t;
    }

    private void build() {
        for (String ns : List.of(router, outside, guest1, guest2)) {
            ns(ns);
        }
        veth(router, "sa-pub", outside, "sa-out");
        veth(router, "sa-g1", guest1, "sa-vm");
        veth(router, "sa-g2", guest2, "sa-vm");
        Sh.in(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        Sh.in(router, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        // The outside world: a client with two addresses (one for ACL-by-CIDR checks) and a route back.
        addr(outside, "sa-out", "203.0.113.1/24");
        addr(outside, "sa-out", "203.0.113.100/24");
        Sh.in(outside, "ip", "-6", "addr", "add", "2001:db8:ff::1/64", "dev", "sa-out", "nodad");
        addr(guest1, "sa-vm", "10.1.1.10/24");
        Sh.in(guest1, "ip", "route", "add", "default", "via", "10.1.1.1");
        addr(guest2, "sa-vm", "10.1.2.20/24");
        Sh.in(guest2, "ip", "route", "add", "default", "via", "10.1.2.1");
    }

    private void ns(String name) {
        Sh.run("ip", "netns", "add", name);
        made.add(name);
        Sh.in(name, "ip", "link", "set", "lo", "up");
    }

    private static void veth(String nsA, String a, String nsB, String b) {
        Sh.run("ip", "-n", nsA, "link", "add", a, "type", "veth", "peer", "name", b, "netns", nsB);
        Sh.run("ip", "-n", nsB, "link", "set", b, "up");
    }

    private static void addr(String ns, String dev, String cidr) {
        Sh.in(ns, "ip", "addr", "add", cidr, "dev", dev);
    }

    @Override
    public void close() {
        for (String ns : made) {
            Sh.tryRun("ip", "netns", "del", ns);
        }
        made.clear();
    }
}
