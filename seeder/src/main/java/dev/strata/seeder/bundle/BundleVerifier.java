package dev.strata.seeder.bundle;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/** Checks bundled files against the sha512 in metadata.ini, all of them before anything is written. */
public final class BundleVerifier {

    private static final int BUFFER = 1 << 20;

    private BundleVerifier() {
    }

    /**
     * Verifies the given templates' files. Every mismatch is reported in one error, so an operator
     * sees the whole damage at once.
     *
     * @return CRC32C of every verified file, computed in the same read: a copy made without reading
     *         the file again (kernel copy) is checked against it on the store
     */
    public static Map<Path, Long> verify(List<BundledTemplate> templates) {
        Map<Path, Long> crcs = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (BundledTemplate t : templates) {
            if (!Files.isRegularFile(t.file())) {
                problems.add(t.label() + ": " + t.file() + " is missing");
                continue;
            }
            CRC32C crc = new CRC32C();
            String actual = sha512(t.file().toString(), t, crc);
            crcs.put(t.file(), crc.getValue());
            if (!actual.equals(t.sha512())) {
                problems.add(t.label() + ": " + t.file() + " has sha512 " + actual + " but metadata.ini says "
                        + t.sha512());
            }
        }
        if (!problems.isEmpty()) {
            throw new SeedException(SeedException.Kind.CHECKSUM, "bundle check failed, nothing was written:\n  "
                    + String.join("\n  ", problems)
                    + "\nThe bundle is damaged or incomplete: reinstall the package that ships it, or rebuild it.");
        }
        return crcs;
    }

    private static String sha512(String shown, BundledTemplate t, CRC32C crc) {
        try (InputStream in = Files.newInputStream(t.file())) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                crc.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (AccessDeniedException e) {
            throw new SeedException(SeedException.Kind.PERMISSION, "cannot read " + shown + ": permission denied");
        } catch (IOException e) {
            throw new SeedException(SeedException.Kind.BUNDLE, "cannot read " + shown + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
