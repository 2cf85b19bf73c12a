package dev.strata.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.vafer.jdeb.Compression;
import org.vafer.jdeb.Console;
import org.vafer.jdeb.DataProducer;
import org.vafer.jdeb.DebMaker;
import org.vafer.jdeb.PackagingException;
import org.vafer.jdeb.mapping.Mapper;
import org.vafer.jdeb.mapping.PermMapper;
import org.vafer.jdeb.producers.DataProducerFile;

/**
 * The management server's system VM templates package (.deb, written by jdeb): the bundle where
 * CloudStack's management package keeps its templates,
 * {@code /usr/share/cloudstack-management/templates/systemvm/} (metadata.ini included), the
 * {@code strata} CLI ({@code /usr/bin/strata}, jars in {@code /usr/share/strata/lib/}), and a
 * {@code postinst} that seeds on install and upgrade and never fails the installation for a
 * reason the operator can fix later. Removing the package removes its files only: seeded
 * templates stay on secondary storage and in the database (system VMs use them).
 * Reproducible: fixed owners, modes and times (SOURCE_DATE_EPOCH).
 */
public final class ManagementPackage {

    public static final String TEMPLATES_DIR = "/usr/share/cloudstack-management/templates/systemvm";
    public static final String LIB_DIR = "/usr/share/strata/lib";
    public static final String DEFAULT_NAME = "cloudstack-systemvm-templates";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+");
    private static final Pattern VERSION = Pattern.compile("[0-9][A-Za-z0-9.+~-]*");

    /**
     * What goes in.
     *
     * @param name      Debian package name
     * @param version   Debian version (the template version, e.g. 4.22.0, or 4.22.0-2 for a rebuild)
     * @param bundleDir a built bundle (metadata.ini, templates, checksums, strata-bundle.json...)
     * @param cliJars   the CLI's jar and its runtime dependencies
     * @param epoch     SOURCE_DATE_EPOCH: every file's time in the package
     */
    public record Spec(String name, String version, Path bundleDir, List<Path> cliJars, long epoch) {
        public Spec {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("package name '" + name + "' is not a Debian package name ("
                        + NAME.pattern() + ")");
            }
            if (!VERSION.matcher(version).matches()) {
                throw new IllegalArgumentException("package version '" + version + "' is not a Debian version ("
                        + VERSION.pattern() + ")");
            }
            cliJars = List.copyOf(cliJars);
        }
    }

    private ManagementPackage() {
    }

    /** Writes the package to {@code out} (through a temporary name beside it) and returns it. */
    public static Path write(Spec spec, Path out, Consumer<String> log) {
        if (!Files.isRegularFile(spec.bundleDir().resolve("metadata.ini"))) {
            throw new IllegalArgumentException(spec.bundleDir() + " is not a bundle (no metadata.ini): build it first");
        }
        if (spec.cliJars().stream().noneMatch(p -> p.getFileName().toString().startsWith("cli-"))) {
            throw new IllegalArgumentException("the CLI's jar (cli-*.jar) is not among the package's jars");
        }
        try {
            Path work = Files.createTempDirectory(out.toAbsolutePath().getParent(), ".deb-");
            try {
                Path control = Files.createDirectories(work.resolve("control"));
                Files.writeString(control.resolve("control"), controlFile(spec), StandardCharsets.UTF_8);
                Files.writeString(control.resolve("postinst"), resource("postinst").replace("@PACKAGE@", spec.name()),
                        StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(control.resolve("postinst"), PosixFilePermissions.fromString("rwxr-xr-x"));
                Path launcher = work.resolve("strata");
                Files.writeString(launcher, resource("strata"), StandardCharsets.UTF_8);

                List<DataProducer> data = new ArrayList<>();
                try (var files = Files.list(spec.bundleDir())) {
                    // Hidden files are the build's own bookkeeping (.strata-build-key), not the bundle.
                    for (Path f : files.filter(Files::isRegularFile)
                            .filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                        data.add(file(f, TEMPLATES_DIR + "/" + f.getFileName(), 0644));
                    }
                }
                for (Path jar : spec.cliJars().stream().sorted((a, b) -> a.getFileName().compareTo(b.getFileName())).toList()) {
                    data.add(file(jar, LIB_DIR + "/" + jar.getFileName(), 0644));
                }
                data.add(file(launcher, "/usr/bin/strata", 0755));

                Path tmp = work.resolve("package.deb");
                DebMaker maker = new DebMaker(console(log), data, List.of());
                maker.setControl(control.toFile());
                maker.setDeb(tmp.toFile());
                maker.setOutputTimestampMs(spec.epoch() * 1000);
                maker.setTarLongFileMode("posix");
                maker.setTarBigNumberMode("posix");
                maker.validate();
                // The templates are compressed already: gzip would spend a minute to win nothing.
                maker.createDeb(Compression.NONE);
                Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return out;
            } finally {
                dev.strata.layout.Deletion.deleteTree(work);
            }
        } catch (PackagingException e) {
            throw new IllegalStateException("jdeb: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
        }
    }

    static String controlFile(Spec spec) {
        return "Package: " + spec.name() + "\n"
                + "Version: " + spec.version() + "\n"
                + "Section: admin\n"
                + "Priority: optional\n"
                + "Architecture: all\n"
                + "Maintainer: Strata <strata@localhost>\n"
                + "Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless\n"
                + "Recommends: lbzip2, nfs-common\n"
                + "Description: CloudStack system VM templates (built by Strata) and the strata command\n"
                + " The system VM templates for every hypervisor, with metadata.ini, checksums and the\n"
                + " SBOM, where the management server looks for them\n"
                + " (" + TEMPLATES_DIR + "/).\n"
                + " Installing or upgrading seeds them into secondary storage and the database\n"
                + " ('strata seed'); removing the package leaves seeded templates in place.\n";
    }

    private static DataProducer file(Path source, String target, int mode) {
        Mapper perm = new PermMapper(0, 0, "root", "root", mode, 0755, 0, null);
        return new DataProducerFile(source.toFile(), target, null, null, new Mapper[] {perm});
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ManagementPackage.class.getResourceAsStream("deb/" + name)) {
            if (in == null) {
                throw new IOException("missing resource deb/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Console console(Consumer<String> log) {
        return new Console() {
            @Override
            public void debug(String message) {
            }

            @Override
            public void info(String message) {
                log.accept(message);
            }

            @Override
            public void warn(String message) {
                log.accept("warning: " + message);
            }
        };
    }
}
