package dev.strata.seeder;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where CloudStack 4.22's real {@code cloud} schema ({@code schema.sql}) and rows ({@code data.sql})
 * are: {@code -Dstrata.cloudstack.db=<dir>}, else {@code shared/reference/cloudstack-db} beside
 * any folder above the working directory (the project's shared reference, read at test time and
 * never copied into the project).
 */
final class CloudStackReference {

    private static final String PROPERTY = "strata.cloudstack.db";
    private static final String RELATIVE = "shared/reference/cloudstack-db";

    private CloudStackReference() {
    }

    static Path dir() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isBlank()) {
            return check(Path.of(given));
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(RELATIVE);
            if (Files.isRegularFile(candidate.resolve("schema.sql"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("CloudStack's schema (" + RELATIVE + "/schema.sql) is not above "
                + Path.of("").toAbsolutePath() + ": give -D" + PROPERTY + "=<folder with schema.sql and data.sql>");
    }

    static Path schema() {
        return dir().resolve("schema.sql");
    }

    static Path data() {
        return dir().resolve("data.sql");
    }

    private static Path check(Path dir) {
        if (!Files.isRegularFile(dir.resolve("schema.sql")) || !Files.isRegularFile(dir.resolve("data.sql"))) {
            throw new IllegalStateException(dir + " (-D" + PROPERTY + ") has no schema.sql and data.sql");
        }
        return dir;
    }
}
