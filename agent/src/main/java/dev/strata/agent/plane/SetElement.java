package dev.strata.agent.plane;

import dev.strata.agent.model.Net;
import dev.strata.agent.model.Net.Cidr;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One element of a concatenated interval set or map, field by field, so that overlapping
 * elements can be found before the kernel refuses them (a pipapo set rejects overlaps with
 * "File exists"). Its text is nft syntax.
 */
record SetElement(List<Field> fields, String value) {

    SetElement {
        fields = List.copyOf(fields);
    }

    static SetElement of(Field... fields) {
        return new SetElement(List.of(fields), null);
    }

    SetElement mapsTo(String v) {
        return new SetElement(fields, v);
    }

    boolean overlaps(SetElement o) {
        for (int i = 0; i < fields.size(); i++) {
            if (!fields.get(i).overlaps(o.fields.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The exact (non-interval) fields: elements that differ here can never overlap. */
    String exactKey() {
        return fields.stream().filter(f -> f instanceof Exact).map(Field::text).collect(Collectors.joining(" . "));
    }

    String text() {
        String k = fields.stream().map(Field::text).collect(Collectors.joining(" . "));
        return value == null ? k : k + " : " + value;
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
