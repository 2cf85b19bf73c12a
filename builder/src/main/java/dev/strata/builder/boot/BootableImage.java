package dev.strata.builder.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Turns any template file of a bundle into a disk that qemu can open: bzip2 and zip are
 * unpacked, the VMDK is taken out of an OVA, and the qemu format is chosen from the extension.
 */
public final class BootableImage {

    /** A disk file and the format qemu reads it as. */
    public record Disk(Path file, String qemuFormat, boolean temporary) {
    }

    private BootableImage() {
    }

    public static Disk open(Path template, Path scratch) {
        String name = template.getFileName().toString();
        try {
            if (name.endsWith(".bz2")) {
                Path out = scratch.resolve(name.substring(0, name.length() - 4));
                Process p = new ProcessBuilder(List.of("lbzip2", "-d", "-c", template.toString()))
                        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                if (p.waitFor() != 0) {
                    throw new IllegalArgumentException("cannot decompress " + template + " (lbzip2 exit " + p.exitValue() + ")");
                }
                return new Disk(out, formatOf(out.getFileName().toString()), true);
            }
            if (name.endsWith(".zip")) {
                try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(template))) {
                    ZipEntry e = zip.getNextEntry();
                    if (e == null) {
                        throw new IllegalArgumentException(template + " is an empty zip");
                    }
                    Path out = scratch.resolve(Path.of(e.getName()).getFileName().toString());
                    Files.copy(zip, out);
                    return new Disk(out, formatOf(out.getFileName().toString()), true);
                }
            }
            if (name.endsWith(".ova")) {
                try (InputStream in = Files.newInputStream(template);
                     TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                    TarArchiveEntry e;
                    while ((e = tar.getNextEntry()) != null) {
                        if (e.getName().endsWith(".vmdk")) {
                            Path out = scratch.resolve(Path.of(e.getName()).getFileName().toString());
                            Files.copy(tar, out);
                            return new Disk(out, "vmdk", true);
                        }
                    }
                }
                throw new IllegalArgumentException(template + " holds no .vmdk");
            }
            return new Disk(template, formatOf(name), false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static String formatOf(String name) {
        if (name.endsWith(".qcow2")) {
            return "qcow2";
        }
        if (name.endsWith(".vhd")) {
            return "vpc";
        }
        if (name.endsWith(".vmdk")) {
            return "vmdk";
        }
        if (name.endsWith(".raw") || name.endsWith(".img")) {
            return "raw";
        }
        throw new IllegalArgumentException("cannot tell the disk format of " + name
                + "; expected .qcow2, .vhd, .vmdk, .raw or .img (optionally .bz2/.zip) or .ova");
    }
}
