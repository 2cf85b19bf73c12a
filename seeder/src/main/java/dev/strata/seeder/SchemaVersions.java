package dev.strata.seeder;

/** Compares CloudStack versions on their first three numbers (4.22.0 == 4.22.0.0). */
final class SchemaVersions {

    /** The release whose schema has every column the seeder writes (vm_template.arch, cluster.arch). */
    static final String OLDEST_SEEDABLE = "4.20.0";

    private SchemaVersions() {
    }

    static int compare(String a, String b) {
        int[] x = parts(a);
        int[] y = parts(b);
        for (int i = 0; i < 3; i++) {
            if (x[i] != y[i]) {
                return Integer.compare(x[i], y[i]);
            }
        }
        return 0;
    }

    private static int[] parts(String v) {
        String[] p = v.strip().split("[.-]");
        int[] out = new int[3];
        for (int i = 0; i < 3 && i < p.length; i++) {
            try {
                out[i] = Integer.parseInt(p[i]);
            } catch (NumberFormatException e) {
                throw new SeedException(SeedException.Kind.SCHEMA, "version '" + v + "' is not x.y.z");
            }
        }
        return out;
    }
}
