package dev.strata.builder.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BundleArtifactsTest {

    @Test
    void mavenFileNameIsCloudStacksName() {
        String[] names = {"systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2", "systemvmtemplate-4.22.0-x86_64-vmware.ova",
            "systemvmtemplate-4.22.0-x86_64-hyperv.vhd.zip", "systemvmtemplate-4.22.0-x86_64-xen.vhd.bz2",
            "systemvmtemplate-4.22.0-aarch64-kvm.qcow2.bz2"};
        for (String name : names) {
            BundleArtifacts.Coordinates c = BundleArtifacts.of(name);
            // Maven names an attached artifact <artifactId>-<version>-<classifier>.<type>
            assertThat("systemvmtemplate-4.22.0-" + c.classifier() + "." + c.type()).isEqualTo(name);
        }
        assertThat(BundleArtifacts.of("systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2"))
                .isEqualTo(new BundleArtifacts.Coordinates("x86_64-kvm", "qcow2.bz2"));
    }

    @Test
    void indexFilesLayerAndSbom() {
        assertThat(BundleArtifacts.of("router-4.22.0.layer")).isEqualTo(new BundleArtifacts.Coordinates("router-layer", "layer"));
        assertThat(BundleArtifacts.of("metadata.ini")).isEqualTo(new BundleArtifacts.Coordinates("metadata", "ini"));
        assertThat(BundleArtifacts.of("strata-bundle.json")).isEqualTo(new BundleArtifacts.Coordinates("strata-bundle", "json"));
        assertThat(BundleArtifacts.of("bom.cdx.json")).isEqualTo(new BundleArtifacts.Coordinates("bom", "cdx.json"));
        assertThatThrownBy(() -> BundleArtifacts.of("no extension")).hasMessageContaining("'no extension'");
    }
}
