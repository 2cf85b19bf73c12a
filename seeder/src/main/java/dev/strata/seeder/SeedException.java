package dev.strata.seeder;

/**
 * The one error a seeding run ends with: what went wrong, where, and what to do. Nothing is left
 * half-written when it is thrown (files are staged and renamed, rows are one transaction).
 */
public final class SeedException extends RuntimeException {

    /** What kind of failure, so scripts (and the postinst) can tell them apart by exit code. */
    public enum Kind {
        /** metadata.ini or a file it names is missing or malformed. */
        BUNDLE(10),
        /** A bundled file's sha512 differs from metadata.ini, or a copy differs from its source. */
        CHECKSUM(11),
        /** The database cannot be reached or refuses the credentials. */
        DATABASE_UNREACHABLE(12),
        /** The database is not a CloudStack schema this seeder can write, or a query failed. */
        SCHEMA(13),
        /** Another seeder or a starting management server holds the upgrade lock for too long. */
        LOCKED(14),
        /** Secondary storage has no room for the template. */
        STORE_FULL(15),
        /** The seeder may not read or write a file or folder it needs. */
        PERMISSION(16),
        /** Secondary storage cannot be mounted, read or written for another reason. */
        STORE(17),
        /** Settings (db.properties, options) are missing or contradict each other. */
        CONFIG(18);

        private final int exitCode;

        Kind(int exitCode) {
            this.exitCode = exitCode;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    private final Kind kind;

    public SeedException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public SeedException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
