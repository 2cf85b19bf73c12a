package dev.strata.builder.profile;

import dev.strata.builder.profile.YamlNode.Mapping;
import dev.strata.builder.profile.YamlNode.Scalar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Loads a profile file: reads it and every file it {@code extends:}, checks each file's keys,
 * merges parent then child, and builds a validated {@link Profile}. Every problem is a
 * {@link ProfileException} naming the file, line and column to fix.
 *
 * <p>An instance holds no state between loads beyond its YAML parser factory.
 */
public final class ProfileLoader {

    private final YamlTreeReader reader = new YamlTreeReader();

    /**
     * @param file the profile to load; relative paths are resolved against the working folder
     * @return the profile, with {@link Profile#source()} the absolute path of {@code file}
     * @throws ProfileException if the profile or one it extends is unreadable or invalid
     */
    public Profile load(Path file) {
        Path source = file.toAbsolutePath().normalize();
        return ProfileBuilder.build(resolve(source, new ArrayList<>()), source);
    }

    /**
     * Reads {@code file} and its ancestors and merges them.
     *
     * @param chain the files being resolved, the loaded file first, to detect cycles
     */
    private Mapping resolve(Path file, List<Path> chain) {
        YamlNode root = reader.read(file);
        if (root instanceof Mapping mapping && mapping.get("schema") instanceof Scalar schema) {
            // Before the key check: a file for another schema should say so, not "unknown key".
            ProfileBuilder.checkSchemaVersion(schema);
        }
        SchemaChecker.check(root);
        Mapping own = ((Mapping) root).without("extends");
        if (!(((Mapping) root).get("extends") instanceof Scalar extendsValue)) {
            return own;
        }
        chain.add(file);
        Path parent = parentFile(file, extendsValue);
        Path parentIdentity = identity(parent);
        if (chain.stream().map(ProfileLoader::identity).anyMatch(parentIdentity::equals)) {
            throw new ProfileException(extendsValue.location(), "extends cycle: " + chain.stream()
                    .map(Path::toString).collect(Collectors.joining(" -> ")) + " -> " + parent);
        }
        Mapping merged = ProfileMerger.merge(resolve(parent, chain), own);
        chain.remove(chain.size() - 1);
        return merged;
    }

    private static Path parentFile(Path file, Scalar extendsValue) {
        Path parent;
        try {
            parent = file.getParent().resolve(extendsValue.text()).normalize();
        } catch (InvalidPathException e) {
            throw new ProfileException(extendsValue.location(), "invalid path '" + extendsValue.text() + "': "
                    + e.getReason());
        }
        if (!Files.isRegularFile(parent)) {
            throw new ProfileException(extendsValue.location(), "file not found: " + parent);
        }
        return parent;
    }

    /** The same file reached through a symbolic link is still a cycle. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }
}
