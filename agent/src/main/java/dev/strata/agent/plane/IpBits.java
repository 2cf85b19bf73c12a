package dev.strata.agent.plane;

import dev.strata.agent.model.Net.Cidr;

/**
 * An address prefix as two longs, so that masking, containment and overlap are arithmetic
 * instead of new InetAddress objects: the renderer checks hundreds of thousands of pairs for
 * 10,000 rules. IPv4 lives in the low 32 bits of {@code lo}.
 */
record IpBits(boolean v4, long hi, long lo, int prefix) {

    static IpBits of(Cidr c) {
        byte[] b = c.address().getAddress();
        long hi = 0;
        long lo = 0;
        if (b.length == 4) {
            for (byte x : b) {
                lo = (lo << 8) | (x & 0xff);
            }
            return new IpBits(true, 0, lo, c.prefix()).masked(c.prefix());
        }
        for (int i = 0; i < 8; i++) {
            hi = (hi << 8) | (b[i] & 0xff);
            lo = (lo << 8) | (b[i + 8] & 0xff);
        }
        return new IpBits(false, hi, lo, c.prefix()).masked(c.prefix());
    }

    /** The same address cut to prefix length {@code p} (host bits cleared). */
    IpBits masked(int p) {
        if (v4) {
            long mask = p == 0 ? 0 : (0xffffffffL << (32 - p)) & 0xffffffffL;
            return new IpBits(true, 0, lo & mask, p);
        }
        long mhi = p >= 64 ? -1L : p == 0 ? 0 : -1L << (64 - p);
        long mlo = p <= 64 ? 0 : p == 128 ? -1L : -1L << (128 - p);
        return new IpBits(false, hi & mhi, lo & mlo, p);
    }

    // Written out: a record's generated equals and hashCode go through method handles, which the
    // C1-only JIT of the VR's JVM calls slowly, and these run hundreds of thousands of times.
    @Override
    public boolean equals(Object o) {
        return o instanceof IpBits b && b.lo == lo && b.hi == hi && b.prefix == prefix && b.v4 == v4;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lo) * 31 + Long.hashCode(hi) * 17 + prefix + (v4 ? 1 : 0);
    }

    /** Two prefixes overlap when one contains the other: equal once cut to the shorter length. */
    boolean overlaps(IpBits o) {
        if (v4 != o.v4) {
            return false;
        }
        int p = Math.min(prefix, o.prefix);
        IpBits a = masked(p);
        IpBits b = o.masked(p);
        return a.hi == b.hi && a.lo == b.lo;
    }
}
