package dev.strata.builder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpToDateTest {

    static final String KVM = "systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2";

    @TempDir
    Path out;

    @BeforeEach
    void bundle() throws Exception {
        Files.write(out.resolve(KVM), new byte[10]);
        Files.write(out.resolve("router-4.22.0.layer"), new byte[4]);
        Files.writeString(out.resolve("strata-bundle.json"), """
                {"profile": "debian", "version": "4.22.0",
                 "rootImage": {"bytes": 99, "sha256": "aa"},
                 "files": [{"name": "%s", "hypervisor": "kvm", "bytes": 10, "sha256": "bb"}],
                 "layers": [{"name": "router-4.22.0.layer", "hypervisor": "layer", "bytes": 4, "sha256": "cc"}]}
                """.formatted(KVM));
        Files.writeString(out.resolve(UpToDate.KEY_FILE), "key-1\n");
    }

    @Test
    void sameKeyAndFilesAtTheirSizesIsNothingToDo() {
        BuildResult r = UpToDate.check(out, "key-1", List.of());
        assertThat(r).isNotNull();
        assertThat(r.outputDir()).isEqualTo(out);
        assertThat(r.files()).extracting(BuildResult.OutputFile::name).containsExactly(KVM, "router-4.22.0.layer");
        assertThat(r.rootImageSha256()).isEqualTo("aa");
    }

    @Test
    void anotherKeyAMissingOrResizedFileOrNoKeyMeansBuild() throws Exception {
        assertThat(UpToDate.check(out, "key-2", List.of())).isNull();
        assertThat(UpToDate.check(out, null, List.of())).isNull();
        Files.write(out.resolve(KVM), new byte[11]);
        assertThat(UpToDate.check(out, "key-1", List.of())).isNull();
        Files.delete(out.resolve(KVM));
        assertThat(UpToDate.check(out, "key-1", List.of())).isNull();
        assertThat(UpToDate.check(out.resolve("absent"), "key-1", List.of())).isNull();
    }
}
