package dev.strata.builder.profile;

import dev.strata.builder.profile.YamlNode.Entry;
import dev.strata.builder.profile.YamlNode.Scalar;
import dev.strata.builder.profile.YamlNode.Sequence;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns the merged tree into a {@link Profile}, applying defaults and checking what the values
 * mean. Each error is placed at the value that is wrong, in the file that set it.
 */
final class ProfileBuilder {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern VERSION = Pattern.compile("[0-9]+\\.[0-9]+\\.[0-9]+(\\.[0-9]+)?");
    /** Debian policy 5.6.1. */
    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern MODULE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern SERVICE = Pattern.compile("[^/\\s]+\\.(service|timer|socket|target|path|mount)");

    private static final long MIB = 1024L * 1024;
    /** Room the disk needs besides the data partition (boot and root image partitions). */
    private static final long SYSTEM_ROOM = 256 * MIB;

    private ProfileBuilder() {
    }

    /**
     * @param root   the merged profile, without {@code extends}
     * @param source the file the profile was loaded from (absolute)
     */
    static Profile build(YamlNode.Mapping root, Path source) {
        MappingReader profile = MappingReader.root(root);
        int schema = checkSchemaVersion(profile.required("schema"));
        String name = matching(profile.required("name"), NAME, "profile name", "lower-case letters, digits and '-'");
        String version = matching(profile.required("version"), VERSION, "version", "e.g. 4.22.0 or 4.22.0.1");
        return new Profile(
                schema,
                name,
                profile.text("description", ""),
                version,
                distribution(profile.section("distribution")),
                all(profile.scalars("packages"), s -> matching(s, PACKAGE, "package name", "Debian package names")),
                kernel(profile.section("kernel")),
                FileEntryReader.read(profile, "files", true),
                services(profile.section("services")),
                slim(profile.section("slim")),
                size(profile.section("size")),
                rootImage(profile.section("root-image")),
                outputs(profile),
                layer(profile.section("layer"), version),
                extension(profile, version),
                source);
    }

    /** Also run on each file before its keys are checked: a newer schema may have other keys. */
    static int checkSchemaVersion(Scalar schema) {
        int value;
        try {
            value = Integer.parseInt(schema.text().trim());
        } catch (NumberFormatException e) {
            throw new ProfileException(schema.location(), "expected an integer for 'schema', found '" + schema.text() + "'");
        }
        if (value != Profile.SCHEMA) {
            throw new ProfileException(schema.location(), "unsupported profile schema " + value
                    + "; this Strata reads schema " + Profile.SCHEMA);
        }
        return value;
    }

    private static Distribution distribution(MappingReader d) {
        List<String> components = List.of("main");
        if (d.sequence("components") != null) {
            requireEntries(d, "components");
            components = all(d.scalars("components"), s -> matching(s, NAME, "component", "e.g. main, contrib"));
        }
        return new Distribution(
                d.required("name").text(),
                d.required("suite").text(),
                d.required("release").text(),
                d.required("architecture").text(),
                d.text("variant", "essential"),
                components);
    }

    private static Kernel kernel(MappingReader k) {
        Map<Hypervisor, String> perHypervisor = new EnumMap<>(Hypervisor.class);
        for (Map.Entry<String, Entry> e : k.section("hypervisors").entries().entrySet()) {
            Hypervisor hypervisor = enumValue(Hypervisor::fromId, e.getKey(), e.getValue().keyLocation());
            perHypervisor.put(hypervisor, matching((Scalar) e.getValue().value(), PACKAGE, "package name",
                    "Debian package names"));
        }
        return new Kernel(
                matching(k.required("package"), PACKAGE, "package name", "Debian package names"),
                perHypervisor,
                all(k.scalars("modules"), s -> checked(s, PathRules::isRelativePrefix, "kernel module path",
                        "a path under /lib/modules/<kernel>/ without '.', '..' or empty parts")),
                all(k.scalars("initramfs-modules"), s -> matching(s, MODULE, "kernel module name",
                        "letters, digits, '_' and '-'")),
                k.text("cmdline", ""));
    }

    private static Services services(MappingReader s) {
        String rule = "a systemd unit name ending in .service, .timer, .socket, .target, .path or .mount";
        return new Services(
                all(s.scalars("enable"), unit -> checked(unit, SERVICE.asMatchPredicate(), "service name", rule)),
                all(s.scalars("disable"), unit -> checked(unit, SERVICE.asMatchPredicate(), "service name", rule)));
    }

    private static Slimming slim(MappingReader s) {
        Map<String, List<String>> remove = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : s.section("remove").entries().entrySet()) {
            List<Scalar> paths = new ArrayList<>();
            ((Sequence) e.getValue().value()).items().forEach(item -> paths.add((Scalar) item));
            remove.put(e.getKey(), all(paths, p -> absolute(p, "slim path")));
        }
        return new Slimming(remove, all(s.scalars("keep"), p -> absolute(p, "slim keep path")));
    }

    private static SizeBudget size(MappingReader s) {
        long rootImageMax = size(s, "root-image-max", 512 * MIB);
        long disk = size(s, "disk", 2048 * MIB);
        long data = size(s, "data", 64 * MIB);
        if (disk <= data + SYSTEM_ROOM) {
            Scalar blame = s.optional("disk") != null ? s.optional("disk") : s.optional("data");
            throw new ProfileException(blame == null ? s.location() : blame.location(), "size.disk ("
                    + SizeParser.format(disk) + ") must be larger than size.data (" + SizeParser.format(data)
                    + ") + " + SizeParser.format(SYSTEM_ROOM));
        }
        return new SizeBudget(rootImageMax, disk, data);
    }

    private static long size(MappingReader s, String key, long fallback) {
        Scalar value = s.optional(key);
        if (value == null) {
            return fallback;
        }
        OptionalLong bytes = SizeParser.parse(value.text());
        if (bytes.isEmpty() || bytes.getAsLong() == 0) {
            throw new ProfileException(value.location(), "invalid size '" + value.text() + "' for '" + s.name(key)
                    + "'; expected " + SizeParser.ACCEPTED + ", greater than 0");
        }
        return bytes.getAsLong();
    }

    private static RootImage rootImage(MappingReader r) {
        Scalar filesystem = r.optional("filesystem");
        return new RootImage(
                filesystem == null ? RootFilesystem.SQUASHFS
                        : enumValue(RootFilesystem::fromId, filesystem.text(), filesystem.location()),
                // Passed to mkfs as is; mkfs names the accepted compressors better than a list here would.
                r.optional("compression") == null ? "zstd" : r.required("compression").text());
    }

    private static List<Output> outputs(MappingReader profile) {
        if (profile.sequence("outputs") == null) {
            throw new ProfileException(profile.location(), "missing required key 'outputs'");
        }
        requireEntries(profile, "outputs");
        List<Output> outputs = new ArrayList<>();
        Map<String, SourceLocation> seen = new HashMap<>();
        for (MappingReader o : profile.sections("outputs")) {
            Scalar hv = o.required("hypervisor");
            Scalar fmt = o.required("format");
            Scalar comp = o.required("compression");
            Output output = new Output(enumValue(Hypervisor::fromId, hv.text(), hv.location()),
                    enumValue(DiskFormat::fromId, fmt.text(), fmt.location()),
                    enumValue(Compression::fromId, comp.text(), comp.location()));
            String key = output.hypervisor().id() + " " + output.format().id();
            SourceLocation first = seen.putIfAbsent(key, o.location());
            if (first != null) {
                // Both would be written to the same file name.
                throw new ProfileException(o.location(), "duplicate output for hypervisor " + output.hypervisor().id()
                        + " in format " + output.format().id() + ": line " + first.line() + " and line "
                        + o.location().line());
            }
            outputs.add(output);
        }
        return outputs;
    }

    private static final Pattern LAYER_VERSION = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._+-]{0,63}");
    private static final Pattern JAVA_MODULE = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
    private static final Pattern LAYER_PATH = Pattern.compile("[A-Za-z0-9._+-][A-Za-z0-9._+/-]{0,250}");
    private static final Pattern LAYER_COMMAND = Pattern.compile("[A-Za-z0-9._+/-]+( [A-Za-z0-9._+=/:-]+)*");

    private static Layer layer(MappingReader l, String profileVersion) {
        Scalar name = l.optional("name");
        Scalar version = l.optional("version");
        Scalar minRoot = l.optional("min-root-version");
        Scalar timeout = l.optional("health-timeout");
        Map<String, List<String>> services = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : l.section("services").entries().entrySet()) {
            if (!e.getKey().matches("[A-Za-z0-9@._-]{1,200}\\.service")) {
                throw new ProfileException(e.getValue().keyLocation(), "invalid unit name '" + e.getKey()
                        + "' in layer.services; expected a systemd service name such as strata-agent.service");
            }
            List<Scalar> paths = new ArrayList<>();
            ((Sequence) e.getValue().value()).items().forEach(item -> paths.add((Scalar) item));
            services.put(e.getKey(), all(paths, p -> layerPath(p, "layer.services path")));
        }
        int timeoutSeconds = 120;
        if (timeout != null) {
            try {
                timeoutSeconds = Integer.parseInt(timeout.text().trim());
            } catch (NumberFormatException e) {
                timeoutSeconds = -1;
            }
            if (timeoutSeconds < 1 || timeoutSeconds > 3600) {
                throw new ProfileException(timeout.location(), "invalid layer.health-timeout '" + timeout.text()
                        + "'; expected seconds, 1 to 3600");
            }
        }
        return new Layer(
                name == null ? "router" : matching(name, NAME, "layer name", "lower-case letters, digits and '-'"),
                version == null ? profileVersion : matching(version, LAYER_VERSION, "layer version",
                        "1-64 of [0-9A-Za-z._+-]"),
                minRoot == null ? profileVersion : matching(minRoot, LAYER_VERSION, "layer min-root-version",
                        "a version such as 4.22.0"),
                all(l.scalars("java-modules"), m -> matching(m, JAVA_MODULE, "Java module name", "e.g. java.base")),
                l.optional("entry-point") == null ? "" : command(l.required("entry-point"), "layer entry-point"),
                l.optional("health-check") == null ? "" : command(l.required("health-check"), "layer health-check"),
                timeoutSeconds,
                services,
                FileEntryReader.read(l, "files", false));
    }

    private static Extension extension(MappingReader profile, String profileVersion) {
        MappingReader e = profile.section("extension");
        if (e.entries().isEmpty()) {
            return Extension.NONE;
        }
        Scalar name = e.required("name");
        Scalar version = e.optional("version");
        List<FileEntry> files = FileEntryReader.read(e, "files", true);
        for (FileEntry f : files) {
            if (!f.target().startsWith("/usr/") && !f.target().startsWith("/opt/")) {
                throw new ProfileException(e.location(), "extension file target '" + f.target()
                        + "' is not under /usr/ or /opt/ (the only trees systemd-sysext merges)");
            }
        }
        Map<String, String> links = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> l : e.section("links").entries().entrySet()) {
            String path = l.getKey();
            if (!PathRules.isAbsoluteNormal(path) || !(path.startsWith("/usr/") || path.startsWith("/opt/"))) {
                throw new ProfileException(l.getValue().keyLocation(), "invalid extension link '" + path
                        + "'; expected an absolute path under /usr/ or /opt/");
            }
            links.put(path, absolute((Scalar) l.getValue().value(), "extension link target"));
        }
        return new Extension(
                matching(name, NAME, "extension name", "lower-case letters, digits and '-'"),
                version == null ? profileVersion : matching(version, LAYER_VERSION, "extension version",
                        "1-64 of [0-9A-Za-z._+-]"),
                all(e.scalars("packages"), s -> matching(s, PACKAGE, "package name", "Debian package names")),
                files, links);
    }

    private static String layerPath(Scalar p, String what) {
        return checked(p, t -> LAYER_PATH.matcher(t).matches() && !java.util.Arrays.asList(t.split("/")).contains(".."),
                what, "a path relative to the layer root, without '..'");
    }

    private static String command(Scalar c, String what) {
        return checked(c, t -> LAYER_COMMAND.matcher(t).matches() && !t.startsWith("/")
                        && !java.util.Arrays.asList(t.split("[ /]")).contains(".."),
                what, "a program relative to the layer root and plain arguments (letters, digits, ._+=/:-)");
    }

    /** A list that is present must not be empty (an empty one would build nothing useful). */
    private static void requireEntries(MappingReader section, String key) {
        Sequence sequence = section.sequence(key);
        if (sequence.items().isEmpty()) {
            throw new ProfileException(sequence.location(), "'" + section.name(key) + "' needs at least one entry");
        }
    }

    private static String absolute(Scalar path, String what) {
        return checked(path, PathRules::isAbsoluteNormal, what, PathRules.ABSOLUTE);
    }

    private static String matching(Scalar value, Pattern pattern, String what, String rule) {
        return checked(value, pattern.asMatchPredicate(), what, rule);
    }

    private static String checked(Scalar value, Predicate<String> valid, String what, String rule) {
        if (!valid.test(value.text())) {
            throw new ProfileException(value.location(), "invalid " + what + " '" + value.text() + "'; expected " + rule);
        }
        return value.text();
    }

    private static List<String> all(List<Scalar> values, Function<Scalar, String> check) {
        return values.stream().map(check).toList();
    }

    /** The enums' own messages already list the allowed values. */
    private static <E> E enumValue(Function<String, E> fromId, String text, SourceLocation location) {
        try {
            return fromId.apply(text);
        } catch (IllegalArgumentException e) {
            throw new ProfileException(location, e.getMessage());
        }
    }
}
