package dev.strata.builder.profile;

import java.util.List;
import java.util.Map;

/**
 * What slimming removes from the root filesystem, by category (docs, locales, caches...), so that
 * the build can report the size each category took. Entries are absolute paths inside the root;
 * a trailing {@code /*} removes a folder's contents but keeps the folder.
 */
public record Slimming(Map<String, List<String>> remove, List<String> keep) {

    public Slimming {
        remove = Map.copyOf(remove);
        keep = List.copyOf(keep);
    }
}
