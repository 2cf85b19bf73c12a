package dev.strata.builder.profile;

import java.nio.file.Path;

/**
 * A file added to an image.
 *
 * @param source absolute path on the build host (resolved against the profile that named it)
 * @param target absolute path inside the image
 * @param mode   octal permission bits, e.g. {@code 0644}
 */
public record FileEntry(Path source, String target, int mode) {
}
