package dev.strata.builder.profile;

/**
 * Size limits.
 *
 * @param rootImageMax largest allowed read-only root image, in bytes; the build fails above it
 * @param diskSize     virtual size of the template disk, in bytes; the data partition fills the rest
 * @param dataSize     size of the data partition as built (it grows to the disk on first boot)
 */
public record SizeBudget(long rootImageMax, long diskSize, long dataSize) {
}
