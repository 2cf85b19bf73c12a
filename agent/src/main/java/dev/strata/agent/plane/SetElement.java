package dev.strata.agent.plane;

import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import java.util.List;

/**
 * One element of a concatenated interval set or map, field by field, so that overlapping
 * elements can be found before the kernel refuses them (a pipapo set rejects overlaps with
 * "File exists"). Its text is nft syntax.
 */
final class SetElement {

    private final Field[] fields;
    private final String value;
    /** nft text, computed once: it is the element's identity (equals, hashCode) and what is written. */
    private final String text;
    private final String exactKey;
    private final Range firstRange;

    private SetElement(Field[] fields, String value) {
        this.fields = fields;
        this.value = value;
        StringBuilder t = new StringBuilder(64);
        StringBuilder k = new StringBuilder(32);
        Range first = null;
        for (int i = 0; i < fields.length; i++) {
            Field f = fields[i];
            if (i > 0) {
                t.append(" . ");
            }
            t.append(f.text());
            if (f instanceof Exact) {
                k.append(f.text()).append(" . ");
            } else if (first == null && f instanceof Range r) {
                first = r;
            }
        }
        if (value != null) {
            t.append(" : ").append(value);
        }
        this.text = t.toString();
        this.exactKey = k.toString();
        this.firstRange = first;
    }

    static SetElement of(Field... fields) {
        return new SetElement(fields.clone(), null);
    }

    SetElement mapsTo(String v) {
        return new SetElement(fields, v);
    }

    List<Field> fields() {
        return List.of(fields);
    }

    /** The element's key alone: the member of the set that mirrors a map (see NftRenderer#mapWithKeys). */
    SetElement keyOnly() {
        return new SetElement(fields, null);
    }

    boolean overlaps(SetElement o) {
        for (int i = 0; i < fields.length; i++) {
            if (!fields[i].overlaps(o.fields[i])) {
                return false;
            }
        }
        return true;
    }

    /** The exact (non-interval) fields: elements that differ here can never overlap. */
    String exactKey() {
        return exactKey;
    }

    /** The first numeric range (a port or ICMP type), or null. */
    Range firstRange() {
        return firstRange;
    }

    String text() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetElement e && e.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    sealed interface Field permits Exact, Range, Prefix {
        boolean overlaps(Field o);

        String text();
    }

    /** A value matched exactly (a protocol name, a single address). */
    record Exact(String text) implements Field {
        @Override
        public boolean overlaps(Field o) {
            return o instanceof Exact e ? e.text.equals(text) : true;
        }
    }

    /** An inclusive numeric range: ports, ICMP type or code. */
    record Range(int low, int high) implements Field {
        @Override
        public boolean overlaps(Field o) {
            return o instanceof Range r ? low <= r.high && r.low <= high : true;
        }

        @Override
        public String text() {
            return low == high ? Integer.toString(low) : low + "-" + high;
        }
    }

    /** An address prefix, always written as its network address; equal when the text is. */
    static final class Prefix implements Field {
        private final String text;
        private final IpBits bits;

        Prefix(Cidr cidr) {
            this.bits = IpBits.of(cidr);
            this.text = cidr.network().toString();
        }

        static Prefix of(String text) {
            return new Prefix(Net.cidr(text).orElseThrow());
        }

        @Override
        public boolean overlaps(Field o) {
            return o instanceof Prefix p ? bits.overlaps(p.bits) : true;
        }

        @Override
        public String text() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix p && p.text.equals(text);
        }

        @Override
        public int hashCode() {
            return text.hashCode();
        }
    }
}
