package dev.strata.seeder.store;

import java.nio.file.Path;

/** Mounts an NFS export for the length of a run. */
public interface Mounter {

    /**
     * @param export     what to mount
     * @param nfsVersion {@code vers=} option, or null to let mount negotiate (as the server does when unset)
     * @param dir        an empty folder to mount on
     */
    void mount(NfsExport export, String nfsVersion, Path dir);

    void unmount(Path dir);
}
