package dev.strata.seeder.store;

/** Told how a large copy advances, so the CLI can show bytes and speed. */
public interface CopyProgress {

    CopyProgress NONE = (label, done, total, bytesPerSecond, finished) -> { };

    /**
     * @param label          what is copied to where
     * @param done           bytes of the bundled file read so far
     * @param total          size of the bundled file
     * @param bytesPerSecond average since the copy began
     * @param finished       true on the last call for this copy
     */
    void update(String label, long done, long total, double bytesPerSecond, boolean finished);
}
