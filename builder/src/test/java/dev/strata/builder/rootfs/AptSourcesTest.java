package dev.strata.builder.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strata.builder.rootfs.AptSources.Source;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptSourcesTest {

    private static final String KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg";

    @Test
    void oneLineSourcesKeepDebLinesWithOptionsAndSkipCommentsAndDebSrc() {
        String text = """
                # the main archive
                deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib
                deb-src http://deb.debian.org/debian bookworm main
                #deb http://commented.example/debian bookworm main
                   # indented comment
                deb [ arch=amd64 signed-by=/etc/apt/keyrings/sec.gpg ] http://security.debian.org/debian-security bookworm-security main
                deb\thttp://tab.example/debian\tbookworm-updates   main non-free-firmware

                deb http://incomplete.example/debian
                deb [arch=amd64 http://broken.example/debian bookworm main
                """;

        List<Source> sources = AptSources.parseOneLine(text);

        assertThat(sources).containsExactly(
                new Source("http://deb.debian.org/debian", "bookworm", List.of("main", "contrib"), KEYRING),
                new Source("http://security.debian.org/debian-security", "bookworm-security", List.of("main"),
                        "/etc/apt/keyrings/sec.gpg"),
                new Source("http://tab.example/debian", "bookworm-updates", List.of("main", "non-free-firmware"),
                        null));
    }

    @Test
    void oneLineTrailingCommentIsNotAComponent() {
        List<Source> sources = AptSources.parseOneLine("deb http://deb.debian.org/debian bookworm main # archive\n");

        assertThat(sources).containsExactly(
                new Source("http://deb.debian.org/debian", "bookworm", List.of("main"), null));
    }

    @Test
    void deb822SourcesExpandUrisTimesSuitesAndSkipDisabledAndDebSrcOnly() {
        String text = """
                # Debian archive, two mirrors
                Types: deb deb-src
                URIs: http://deb.debian.org/debian
                 http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                 contrib
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                Types: deb
                URIs: http://disabled.example/debian
                Suites: bookworm
                Components: main
                Enabled: no

                Types: deb-src
                URIs: http://src-only.example/debian
                Suites: bookworm
                Components: main

                types: deb
                uris: http://security.debian.org/debian-security
                suites: bookworm-security
                components: main
                """;

        List<Source> sources = AptSources.parseDeb822(text);

        assertThat(sources).containsExactly(
                new Source("http://deb.debian.org/debian", "bookworm", List.of("main", "contrib"), KEYRING),
                new Source("http://deb.debian.org/debian", "bookworm-updates", List.of("main", "contrib"), KEYRING),
                new Source("http://mirror.example/debian", "bookworm", List.of("main", "contrib"), KEYRING),
                new Source("http://mirror.example/debian", "bookworm-updates", List.of("main", "contrib"), KEYRING),
                new Source("http://security.debian.org/debian-security", "bookworm-security", List.of("main"), null));
    }

    @Test
    void deb822InlineKeyIsDroppedButTheSourceKept() {
        String text = """
                Types: deb
                URIs: https://repo.example/debian
                Suites: bookworm
                Components: main
                Signed-By:
                 -----BEGIN PGP PUBLIC KEY BLOCK-----
                 Comment: not a field: just key armour
                 .
                 mQINBGNg5ZsBEAC7v3mXbWk0
                 =abcd
                 -----END PGP PUBLIC KEY BLOCK-----
                Enabled: yes
                """;

        List<Source> sources = AptSources.parseDeb822(text);

        assertThat(sources).containsExactly(
                new Source("https://repo.example/debian", "bookworm", List.of("main"), null));
    }

    @Test
    void readsSourcesListThenSortedSourcesListDFilesIgnoringOtherNames(@TempDir Path apt) throws Exception {
        Files.writeString(apt.resolve("sources.list"), "deb http://one.example/debian bookworm main\n");
        Path d = Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(d.resolve("b.sources"), """
                Types: deb
                URIs: http://three.example/debian
                Suites: bookworm-updates
                Components: main
                """);
        Files.writeString(d.resolve("a.list"), "deb [signed-by=/k.gpg] http://two.example/debian bookworm-security main\n");
        Files.writeString(d.resolve("c.list.save"), "deb http://ignored.example/debian bookworm main\n");
        Files.writeString(d.resolve("d.sources.disabled"), "Types: deb\nURIs: http://ignored.example/d\nSuites: x\n");

        List<Source> sources = AptSources.read(apt);

        assertThat(sources).extracting(Source::uri).containsExactly(
                "http://one.example/debian", "http://two.example/debian", "http://three.example/debian");
        assertThat(sources.get(1).signedBy()).isEqualTo("/k.gpg");
        assertThat(sources.get(2).suite()).isEqualTo("bookworm-updates");
    }

    @Test
    void readOfAnEmptyAptFolderGivesNothing(@TempDir Path apt) {
        assertThat(AptSources.read(apt)).isEmpty();
    }

    @Test
    void forSuiteKeepsTheSuiteAndItsUpdatesAndSecurityInOrder() {
        Source main = new Source("http://a/debian", "bookworm", List.of("main"), null);
        Source backports = new Source("http://a/debian", "bookworm-backports", List.of("main"), null);
        Source security = new Source("http://s/debian-security", "bookworm-security", List.of("main"), null);
        Source other = new Source("http://a/debian", "trixie", List.of("main"), null);
        Source updates = new Source("http://a/debian", "bookworm-updates", List.of("main"), null);
        Source lookalike = new Source("http://a/debian", "bookworm2", List.of("main"), null);

        List<Source> picked = AptSources.forSuite(List.of(main, backports, security, other, updates, lookalike),
                "bookworm");

        assertThat(picked).containsExactly(main, security, updates);
        assertThat(AptSources.forSuite(List.of(main, security), "trixie")).isEmpty();
    }

    @Test
    void toLineWritesTheOneLineFormWithTheWantedComponents() {
        Source signed = new Source("http://a/debian", "bookworm", List.of("main", "contrib"), KEYRING);
        Source unsigned = new Source("http://a/debian", "bookworm-updates", List.of("main"), null);

        assertThat(signed.toLine(List.of("main")))
                .isEqualTo("deb [signed-by=" + KEYRING + "] http://a/debian bookworm main");
        assertThat(unsigned.toLine(List.of("main", "non-free-firmware")))
                .isEqualTo("deb http://a/debian bookworm-updates main non-free-firmware");
    }

    @Test
    void oneLineToLineRoundTrips() {
        String line = "deb [signed-by=" + KEYRING + "] http://deb.debian.org/debian bookworm main contrib";
        Source s = AptSources.parseOneLine(line).get(0);

        assertThat(s.toLine(s.components())).isEqualTo(line);
    }
}
