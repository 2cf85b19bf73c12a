package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.strata.layout.Deletion;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Missing permissions, for real: root ignores file modes, so the seeder runs in a child JVM as
 * user nobody (setpriv) against a store and a bundle owned by root. Its classpath is copied to a
 * world-readable folder first (the build's own folders may be private to root).
 */
@ExtendWith(MariaDbServer.class)
class PermissionTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    private Path shared;

    @BeforeEach
    void sharedFolder() throws Exception {
        assumeThat(System.getProperty("user.name")).as("switching users needs root").isEqualTo("root");
        assumeThat(Path.of("/usr/bin/setpriv")).as("setpriv (util-linux)").isExecutable();
        shared = Files.createTempDirectory("strata-seed-perm-");
        Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void removeShared() throws Exception {
        if (shared != null) {
            Deletion.deleteTree(shared);
        }
    }

    @Test
    void storeNotWritableIsAPermissionErrorAndNothingIsWritten() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Path bundle = TestBundle.write(shared.resolve("bundle"), "4.22.0.0", 4096);
        Path storeA = Files.createDirectories(shared.resolve("store-a"));
        Path storeB = Files.createDirectories(shared.resolve("store-b"));
        String before = env.snapshot();

        Result r = runAsNobody(env, bundle, storeA, storeB);
        assertThat(r.exit).as(r.output).isEqualTo(SeedException.Kind.PERMISSION.exitCode());
        assertThat(r.output).contains("ERROR PERMISSION", "permission denied", storeA.toString());
        assertThat(env.snapshot()).isEqualTo(before);
        try (Stream<Path> s = Files.list(storeA)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void unreadableBundleFileIsAPermissionError() throws Exception {
        SeedEnv env = SeedEnv.create(tmp, "4.22.0.0");
        Path bundle = TestBundle.write(shared.resolve("bundle"), "4.22.0.0", 4096);
        Files.setPosixFilePermissions(bundle.resolve("systemvmtemplate-4.22.0-x86_64-vmware.ova"),
                PosixFilePermissions.fromString("rw-------"));
        Path storeA = Files.createDirectories(shared.resolve("store-a"));
        Path storeB = Files.createDirectories(shared.resolve("store-b"));
        for (Path store : List.of(storeA, storeB)) {
            Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Result r = runAsNobody(env, bundle, storeA, storeB);
        assertThat(r.exit).as(r.output).isEqualTo(SeedException.Kind.PERMISSION.exitCode());
        assertThat(r.output).contains("ERROR PERMISSION", "vmware.ova", "permission denied");
        try (Stream<Path> s = Files.list(storeA)) {
            assertThat(s.toList()).isEmpty();
        }
    }

    private record Result(int exit, String output) {
    }

    private Result runAsNobody(SeedEnv env, Path bundle, Path storeA, Path storeB) throws Exception {
        List<String> cp = new ArrayList<>();
        int i = 0;
        Path cpDir = Files.createDirectories(shared.resolve("cp"));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path src = Path.of(entry);
            if (!Files.exists(src)) {
                continue;
            }
            Path dst = cpDir.resolve(i++ + "-" + src.getFileName());
            if (Files.isDirectory(src)) {
                try (Stream<Path> s = Files.walk(src)) {
                    for (Path p : s.toList()) {
                        Path t = dst.resolve(src.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(t);
                        } else {
                            Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.copy(src, dst);
            }
            cp.add(dst.toString());
        }
        try (Stream<Path> s = Files.walk(shared)) {
            for (Path p : s.toList()) {
                if (p.startsWith(storeA) || p.startsWith(storeB)) {
                    continue;
                }
                boolean dir = Files.isDirectory(p);
                boolean privateFile = !dir && Files.getPosixFilePermissions(p).equals(
                        PosixFilePermissions.fromString("rw-------"));
                if (!privateFile) {
                    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(dir ? "rwxr-xr-x" : "rw-r--r--"));
                }
            }
        }
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + shared, "-cp", String.join(File.pathSeparator, cp), SeedChild.class.getName(),
                bundle.toString(), env.db.host(), Integer.toString(env.db.port()), env.db.user(), env.db.password(),
                env.db.database(), "-", "nfs://nfs-a.test/export/secondary=" + storeA, "2=" + storeB,
                "4=" + storeB));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
