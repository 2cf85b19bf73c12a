package dev.strata.builder.profile;

/**
 * The read-only root image.
 *
 * @param filesystem  erofs or squashfs
 * @param compression the compressor passed to mkfs (e.g. {@code lz4hc}, {@code zstd}, {@code xz})
 */
public record RootImage(RootFilesystem filesystem, String compression) {
}
