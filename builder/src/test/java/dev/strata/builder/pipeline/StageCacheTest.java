package dev.strata.builder.pipeline;

import dev.strata.layout.Deletion;
import dev.strata.layout.Mounts;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCacheTest {

    @TempDir
    Path cacheDir;

    @Test
    void entryAppearsOnlyOnCommitAndHoldsItsFiles() throws Exception {
        StageCache cache = new StageCache(cacheDir);
        Path partial = cache.begin("rootfs", "aaa");
        Files.writeString(partial.resolve("file"), "x");
        assertThat(cache.lookup("rootfs", "aaa")).isNull();
        Path entry = cache.commit("rootfs", "aaa", partial);
        assertThat(cache.lookup("rootfs", "aaa")).isEqualTo(entry);
        assertThat(entry.resolve("file")).hasContent("x");
        assertThat(partial).doesNotExist();
    }

    @Test
    void keepsTheMostRecentlyUsedEntriesAndDropsDeadPartials() throws Exception {
        StageCache cache = new StageCache(cacheDir);
        for (String d : new String[] {"d1", "d2", "d3"}) {
            cache.commit("rootfs", d, cache.begin("rootfs", d));
        }
        Path stage = cacheDir.resolve("stages/rootfs");
        Files.setLastModifiedTime(stage.resolve("d1"), FileTime.fromMillis(1_000));
        Files.setLastModifiedTime(stage.resolve("d2"), FileTime.fromMillis(2_000));
        Files.setLastModifiedTime(stage.resolve("d3"), FileTime.fromMillis(3_000));
        cache.lookup("rootfs", "d1"); // used just now: d2 is now the least recently used
        Files.createDirectories(stage.resolve("d9.partial-999999999")); // a build that no longer runs

        cache.commit("rootfs", "d4", cache.begin("rootfs", "d4"));

        try (var left = Files.list(stage)) {
            assertThat(left.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("d1", "d3", "d4");
        }
    }

    @Test
    void aKilledBuildsLeftoverMountsAreUnmountedNotDeletedThrough() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        StageCache cache = new StageCache(cacheDir);
        Path dead = Files.createDirectories(cacheDir.resolve("stages/rootfs/d0.partial-999999999/tree/proc"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "strata-test", dead.toString()).inheritIO().start();
        assertThat(mount.waitFor()).isZero();
        Files.writeString(dead.resolve("inside-the-mount"), "x");
        assertThat(Mounts.below(cacheDir)).containsExactly(dead);

        cache.commit("rootfs", "d1", cache.begin("rootfs", "d1"));

        assertThat(Mounts.below(cacheDir)).isEmpty();
        assertThat(cacheDir.resolve("stages/rootfs/d0.partial-999999999")).doesNotExist();
    }

    @Test
    void deletionRefusesToCrossAMount() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "mounting needs root");
        Path dir = Files.createDirectories(cacheDir.resolve("tree/sys"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "strata-test", dir.toString()).inheritIO().start();
        assertThat(mount.waitFor()).isZero();
        try {
            Files.writeString(dir.resolve("precious"), "x");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Deletion.deleteTree(cacheDir.resolve("tree")))
                    .hasMessageContaining("still mounted");
            assertThat(dir.resolve("precious")).exists();
        } finally {
            new ProcessBuilder("umount", dir.toString()).inheritIO().start().waitFor();
        }
    }
}
