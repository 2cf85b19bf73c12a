package dev.strata.seeder.store;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the local folder of each NFS image store for one run: a path the operator says is already
 * mounted ({@code --mounted}), or a fresh mount under a temporary folder that is unmounted and
 * removed when the run ends, whatever happens.
 */
public final class StoreMounts implements AutoCloseable {

    private final Map<String, Path> alreadyMounted;
    private final Mounter mounter;
    private final Path mountParent;
    private final Map<Long, Path> open = new LinkedHashMap<>();
    private final List<Path> mountedByUs = new ArrayList<>();

    /**
     * @param alreadyMounted store id (as text) or store URL -> local folder where it is mounted
     * @param mounter        how to mount the others
     * @param mountParent    where temporary mount points go
     */
    public StoreMounts(Map<String, Path> alreadyMounted, Mounter mounter, Path mountParent) {
        this.alreadyMounted = Map.copyOf(alreadyMounted);
        this.mounter = mounter;
        this.mountParent = mountParent;
    }

    /** The folder given for a store, or null when it has to be mounted. */
    public Path given(ImageStore store) {
        Path p = alreadyMounted.get(Long.toString(store.id()));
        return p != null ? p : alreadyMounted.get(store.url());
    }

    /** Root of the store's file tree (the folder holding {@code template/}). */
    public Path root(ImageStore store) {
        Path known = open.get(store.id());
        if (known != null) {
            return known;
        }
        Path given = given(store);
        Path root;
        if (given != null) {
            if (!Files.isDirectory(given)) {
                throw new SeedException(SeedException.Kind.STORE, store.label() + ": --mounted folder " + given
                        + " does not exist or is not a folder");
            }
            root = given;
        } else {
            NfsExport export = NfsExport.fromStoreUrl(store.url());
            try {
                Files.createDirectories(mountParent);
                root = Files.createTempDirectory(mountParent, "strata-seed-store-" + store.id() + "-");
            } catch (IOException e) {
                throw new SeedException(SeedException.Kind.STORE, "cannot make a mount point under " + mountParent
                        + ": " + e.getMessage(), e);
            }
            try {
                mounter.mount(export, store.nfsVersion(), root);
            } catch (RuntimeException e) {
                deleteQuietly(root);
                throw e;
            }
            mountedByUs.add(root);
        }
        open.put(store.id(), root);
        return root;
    }

    @Override
    public void close() {
        SeedException first = null;
        for (int i = mountedByUs.size() - 1; i >= 0; i--) {
            Path dir = mountedByUs.get(i);
            try {
                mounter.unmount(dir);
                deleteQuietly(dir);
            } catch (SeedException e) {
                first = first == null ? e : first;
            }
        }
        mountedByUs.clear();
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A non-empty mount point means the unmount did not happen; leave it for the operator to see.
        }
    }
}
