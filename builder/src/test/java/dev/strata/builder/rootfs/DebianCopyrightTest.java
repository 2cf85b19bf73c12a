package dev.strata.builder.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DebianCopyrightTest {

    @Test
    void machineReadableLicenceFieldsInOrderWithoutDuplicates() {
        String text = """
                Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
                Upstream-Name: zlib

                Files: *
                Copyright: 1995-2013 Jean-loup Gailly and Mark Adler
                License: Zlib

                Files: contrib/*
                Copyright: someone
                License: GPL-2+ or Artistic
                 This paragraph says License: not-a-field, indented.

                Files: debian/*
                License: Zlib

                License: Zlib
                 The zlib licence text.
                """;
        assertThat(DebianCopyright.parse(text)).containsExactly("Zlib", "GPL-2+ or Artistic");
    }

    @Test
    void freeFormFilesByTheCommonLicencesTheyPointTo() {
        String text = """
                This is the Debian package of busybox.
                On Debian systems, the complete text of the GNU General Public License can be found
                in `/usr/share/common-licenses/GPL-2'. See also /usr/share/common-licenses/LGPL-2.1.
                """;
        assertThat(DebianCopyright.parse(text)).containsExactly("GPL-2", "LGPL-2.1");
        assertThat(DebianCopyright.parse("no licence named here")).isEmpty();
    }

    @Test
    void fromTheRootTree(@TempDir Path root) throws Exception {
        Path doc = Files.createDirectories(root.resolve("usr/share/doc/libfoo1"));
        Files.writeString(doc.resolve("copyright"), "Format: https://x/\n\nFiles: *\nLicense: MIT\n");
        assertThat(DebianCopyright.licenses(root, "libfoo1")).containsExactly("MIT");
        assertThat(DebianCopyright.licenses(root, "absent")).isEmpty();
    }
}
