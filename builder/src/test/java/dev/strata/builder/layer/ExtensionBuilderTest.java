package dev.strata.builder.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.profile.Extension;
import dev.strata.builder.profile.FileEntry;
import dev.strata.builder.tools.CommandRunner;
import dev.strata.layout.ContentDigest;
import dev.strata.layout.LayerImage;
import dev.strata.layout.LayerManifest;
import dev.strata.layout.LayerSignatures;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The system VM extension image from two small trees: what is carried, where, signed, reproducible. */
class ExtensionBuilderTest {

    @TempDir
    Path tmp;

    Path base;
    Path extended;
    KeyPair key;

    @BeforeEach
    void trees() throws Exception {
        base = tmp.resolve("base");
        extended = tmp.resolve("extended");
        for (Path t : List.of(base, extended)) {
            write(t.resolve("usr/bin/bash"), "bash");
            write(t.resolve("usr/lib/os-release"), "ID=debian\nVERSION_ID=\"12\"\n");
            write(t.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n");
            write(t.resolve("etc/group"), "root:x:0:\n");
            write(t.resolve("etc/hostname"), "x\n");
            write(t.resolve("etc/ld.so.cache"), "base");
            write(t.resolve("etc/ssh/sshd_config"), "Port 22\n");
        }
        // What the extra packages brought.
        write(extended.resolve("usr/bin/java"), "java");
        write(extended.resolve("usr/lib/jvm/java-17/bin/java"), "jvm");
        write(extended.resolve("usr/share/doc/openjdk/copyright"), "doc");
        write(extended.resolve("usr/share/man/man1/java.1.gz"), "man");
        write(extended.resolve("etc/apache2/apache2.conf"), "ServerRoot /etc/apache2\n");
        write(extended.resolve("etc/ssl/private/ssl-cert-snakeoil.key"), "secret");
        write(extended.resolve("var/www/html/index.html"), "it works");
        write(extended.resolve("var/lib/dpkg/status"), "dpkg");
        write(extended.resolve("etc/ld.so.cache"), "extended");
        write(extended.resolve("etc/ssh/sshd_config"), "Port 22\n# changed by a postinst\n");
        Files.createDirectories(extended.resolve("etc/systemd/system/multi-user.target.wants"));
        Files.createSymbolicLink(extended.resolve("etc/systemd/system/multi-user.target.wants/apache2.service"),
                Path.of("/usr/lib/systemd/system/apache2.service"));
        Files.createDirectories(extended.resolve("etc/alternatives"));
        Files.createSymbolicLink(extended.resolve("etc/alternatives/java"), Path.of("/usr/lib/jvm/java-17/bin/java"));
        Files.createDirectories(extended.resolve("var/lib/nfs/sm"));
        Files.setPosixFilePermissions(extended.resolve("var/lib/nfs/sm"), PosixFilePermissions.fromString("rwx------"));
        write(extended.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\nsshd:x:100:65534::/run/sshd:/usr/sbin/nologin\n"
                + "statd:x:101:65534::/var/lib/nfs:/usr/sbin/nologin\n");
        write(extended.resolve("etc/group"), "root:x:0:\nwww-data:x:33:\n");
        key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    @Test
    void carriesWhatThePackagesAddedAndNothingElse() throws Exception {
        ExtensionBuilder.Selection s = ExtensionBuilder.select(base, extended);
        assertThat(s.carried()).contains("usr/bin/java", "usr/lib/jvm/java-17/bin/java", "usr/lib/jvm",
                "etc/apache2/apache2.conf", "etc/alternatives/java", "var/www/html/index.html", "var/lib/nfs/sm");
        assertThat(s.carried()).doesNotContain("usr/bin/bash", "usr/share/doc/openjdk/copyright",
                "usr/share/man/man1/java.1.gz", "etc/ssl/private/ssl-cert-snakeoil.key", "var/lib/dpkg/status",
                "etc/systemd/system/multi-user.target.wants/apache2.service", "etc/ld.so.cache", "etc/passwd");
        // Changed in place by a package: reported, not carried over the VM's own.
        assertThat(s.notCarried()).containsExactly("etc/ssh/sshd_config");
        assertThat(ExtensionBuilder.newAccounts(base.resolve("etc/passwd"), extended.resolve("etc/passwd")))
                .containsExactly("statd:x:101:65534::/var/lib/nfs:/usr/sbin/nologin");
    }

    @Test
    void buildsASignedSysextImageReproduciblyAndCachesIt() throws Exception {
        Path script = write(tmp.resolve("profile/setup"), "#!/bin/sh\necho set up\n");
        Extension x = new Extension("systemvm", "4.22.0", List.of("openjdk-17-jre-headless"),
                List.of(new FileEntry(script, "/usr/lib/strata/systemvm/setup", 0755)),
                Map.of("/usr/local/cloud", "/var/lib/strata/cloud"));
        ExtensionBuilder builder = new ExtensionBuilder(new CommandRunner(tmp.resolve("log")));
        ExtensionBuilder.Inputs in = new ExtensionBuilder.Inputs(x, base, "b1", extended, "e1", "debian", "12", "4.22.0",
                key.getPrivate(), key.getPublic(), 1_767_225_600L);

        ExtensionBuilder.Result first = builder.build(in, tmp.resolve("cache1"), tmp.resolve("work1"));
        ExtensionBuilder.Result second = builder.build(in, tmp.resolve("cache2"), tmp.resolve("work2"));
        ExtensionBuilder.Result again = builder.build(in, tmp.resolve("cache1"), tmp.resolve("work1"));

        assertThat(first.cached()).isFalse();
        assertThat(again.cached()).isTrue();
        assertThat(Files.mismatch(first.file(), second.file())).as("same inputs, same bytes").isEqualTo(-1);
        assertThat(first.file().getFileName()).hasToString("systemvm-4.22.0.raw");

        Path tree = tmp.resolve("unpacked");
        LayerImage.extract(first.file(), tree);
        assertThat(tree.resolve("usr/lib/extension-release.d/extension-release.systemvm"))
                .hasContent("ID=debian\nVERSION_ID=12");
        assertThat(tree.resolve("usr/bin/java")).hasContent("java");
        assertThat(tree.resolve("usr/bin/bash")).doesNotExist();
        assertThat(tree.resolve("usr/share/strata/systemvm/root/etc/apache2/apache2.conf")).exists();
        assertThat(tree.resolve("usr/share/strata/systemvm/root/var/www/html/index.html")).exists();
        assertThat(tree.resolve("etc")).doesNotExist();
        assertThat(tree.resolve("usr/share/strata/systemvm/accounts/passwd")).hasContent("statd:x:101:65534::/var/lib/nfs:/usr/sbin/nologin");
        assertThat(tree.resolve("usr/share/strata/systemvm/accounts/group")).hasContent("www-data:x:33:");
        assertThat(tree.resolve("usr/share/strata/systemvm/not-carried")).hasContent("etc/ssh/sshd_config");
        assertThat(Files.readSymbolicLink(tree.resolve("usr/local/cloud"))).hasToString("/var/lib/strata/cloud");
        assertThat(Files.isExecutable(tree.resolve("usr/lib/strata/systemvm/setup"))).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                tree.resolve("usr/share/strata/systemvm/root/var/lib/nfs/sm"), LinkOption.NOFOLLOW_LINKS)))
                .as("the package's own mode").isEqualTo("rwx------");

        byte[] manifest = Files.readAllBytes(tree.resolve(LayerManifest.FILE));
        assertThat(LayerSignatures.verify(manifest, Files.readAllBytes(tree.resolve(LayerManifest.SIGNATURE_FILE)),
                List.of(key.getPublic()))).isTrue();
        assertThat(LayerManifest.parse(manifest).contentSha256()).isEqualTo(ContentDigest.of(tree));
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThat(LayerSignatures.verify(manifest, Files.readAllBytes(tree.resolve(LayerManifest.SIGNATURE_FILE)),
                List.of(other.getPublic()))).isFalse();
    }

    @Test
    void anotherPackageSetIsAnotherImage() throws Exception {
        Extension x = new Extension("systemvm", "4.22.0", List.of("a"), List.of(), Map.of());
        ExtensionBuilder.Inputs one = new ExtensionBuilder.Inputs(x, base, "b1", extended, "e1", "debian", "12",
                "4.22.0", key.getPrivate(), key.getPublic(), 1L);
        ExtensionBuilder.Inputs two = new ExtensionBuilder.Inputs(x, base, "b1", extended, "e2", "debian", "12",
                "4.22.0", key.getPrivate(), key.getPublic(), 1L);
        assertThat(ExtensionBuilder.inputsDigest(one)).isNotEqualTo(ExtensionBuilder.inputsDigest(two));
    }

    private static Path write(Path p, String text) throws Exception {
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        if (text.startsWith("#!")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return p;
    }
}
