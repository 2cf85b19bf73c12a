package dev.strata.seeder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.strata.seeder.store.Bzip2Decoder;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Both bzip2 decoders give the same bytes; a broken stream is a bundle error, not a short file. */
class Bzip2DecoderTest {

    private static final Path LBZIP2 = Path.of("/usr/bin/lbzip2");

    @Test
    void lbzip2AndTheBuiltInDecoderAgree() throws Exception {
        assumeThat(LBZIP2).as("lbzip2 (installed by .ci/run)").isExecutable();
        byte[] data = TestBundle.bytes(3 << 20, new Random(1));
        byte[] packed = TestBundle.bzip2(data);
        try (InputStream a = Bzip2Decoder.builtIn(new ByteArrayInputStream(packed));
             InputStream b = Bzip2Decoder.external(LBZIP2, new ByteArrayInputStream(packed), "test")) {
            assertThat(a.readAllBytes()).isEqualTo(data);
            assertThat(b.readAllBytes()).isEqualTo(data);
        }
    }

    @Test
    void brokenInputFailsLoudly() throws Exception {
        assumeThat(LBZIP2).isExecutable();
        byte[] packed = TestBundle.bzip2(TestBundle.bytes(1 << 20, new Random(2)));
        packed[packed.length / 2] ^= 0x55;
        assertThatThrownBy(() -> {
            try (InputStream b = Bzip2Decoder.external(LBZIP2, new ByteArrayInputStream(packed), "kvm")) {
                b.readAllBytes();
            }
        }).isInstanceOfSatisfying(SeedException.class, e -> {
            assertThat(e.kind()).isEqualTo(SeedException.Kind.BUNDLE);
            assertThat(e.getMessage()).contains("kvm", "lbzip2");
        });
    }
}
