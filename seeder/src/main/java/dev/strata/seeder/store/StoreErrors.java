package dev.strata.seeder.store;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

/** Turns an I/O failure on secondary storage into the one clear error the operator acts on. */
final class StoreErrors {

    private StoreErrors() {
    }

    static SeedException of(IOException e, Path where, String doing) {
        String msg = String.valueOf(e.getMessage());
        if (e instanceof AccessDeniedException || msg.contains("Permission denied") || msg.contains("Operation not permitted")) {
            return new SeedException(SeedException.Kind.PERMISSION, "cannot " + doing + " at " + where
                    + ": permission denied; run as root, and check that the NFS export allows root (no_root_squash)", e);
        }
        if (msg.contains("No space left") || msg.contains("Disk quota exceeded")) {
            return new SeedException(SeedException.Kind.STORE_FULL, "secondary storage is full while trying to " + doing
                    + " at " + where + "; nothing was kept. Free space on the store (or add a store) and run again", e);
        }
        if (msg.contains("Read-only file system")) {
            return new SeedException(SeedException.Kind.STORE, "secondary storage at " + where
                    + " is mounted read-only; mount it read-write", e);
        }
        return new SeedException(SeedException.Kind.STORE, "cannot " + doing + " at " + where + ": " + msg, e);
    }
}
