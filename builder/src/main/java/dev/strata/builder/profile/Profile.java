package dev.strata.builder.profile;

import java.nio.file.Path;
import java.util.List;

/**
 * A build profile after {@code extends:} inheritance has been resolved and validated.
 * Every path in it is absolute (relative paths are resolved against the file that named them).
 *
 * @param schema       profile schema version; {@link #SCHEMA} is the only one this build reads
 * @param name         profile name, e.g. {@code debian}
 * @param description  one line for people
 * @param version      CloudStack system VM template version, e.g. {@code 4.22.0}
 * @param distribution what to bootstrap from
 * @param packages     packages installed into the root filesystem
 * @param kernel       kernel package(s), modules kept, command line
 * @param files        files added to the root filesystem
 * @param services     systemd units enabled or disabled
 * @param slim         what slimming removes, by category (for the size report)
 * @param size         size budget and disk size
 * @param rootImage    read-only root filesystem type and compression
 * @param outputs      the disk files to produce
 * @param layer        the /router/&lt;version&gt; layer contents
 * @param extension    the system VM extension (SSVM/CPVM runtime), {@link Extension#NONE} when absent
 * @param source       the file this profile was loaded from
 */
public record Profile(
        int schema,
        String name,
        String description,
        String version,
        Distribution distribution,
        List<String> packages,
        Kernel kernel,
        List<FileEntry> files,
        Services services,
        Slimming slim,
        SizeBudget size,
        RootImage rootImage,
        List<Output> outputs,
        Layer layer,
        Extension extension,
        Path source) {

    public static final int SCHEMA = 1;

    public Profile {
        packages = List.copyOf(packages);
        files = List.copyOf(files);
        outputs = List.copyOf(outputs);
        extension = extension == null ? Extension.NONE : extension;
    }

    /** The same profile with more packages (the system VM extension's tree is bootstrapped from it). */
    public Profile withPackages(List<String> extra) {
        List<String> all = new java.util.ArrayList<>(packages);
        extra.stream().filter(p -> !all.contains(p)).forEach(all::add);
        return new Profile(schema, name, description, version, distribution, all, kernel, files, services, slim, size,
                rootImage, outputs, layer, extension, source);
    }

    /** The same profile with more files in the root image (build-made ones: trusted keys). */
    public Profile withRootFiles(List<FileEntry> extra) {
        List<FileEntry> all = new java.util.ArrayList<>(files);
        all.addAll(extra);
        return new Profile(schema, name, description, version, distribution, packages, kernel, all, services, slim, size,
                rootImage, outputs, layer, extension, source);
    }

    public Profile withLayer(Layer newLayer) {
        return new Profile(schema, name, description, version, distribution, packages, kernel, files, services, slim,
                size, rootImage, outputs, newLayer, extension, source);
    }
}
