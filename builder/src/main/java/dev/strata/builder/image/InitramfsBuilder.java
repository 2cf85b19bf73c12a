package dev.strata.builder.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes Strata's initramfs: a gzip'd newc cpio archive with busybox (from the root tree, so
 * it matches the image), the disk and filesystem modules in load order, and Strata's init.
 * Written in Java rather than with initramfs-tools so that it is small (a few MB), fast to
 * make, reproducible (fixed timestamps and owners, sorted entries) and needs no chroot.
 */
public final class InitramfsBuilder {

    private static final String INIT_RESOURCE = "/dev/strata/builder/initramfs/init";

    /** What goes in. */
    public record Spec(Path root, String kernelRelease, List<String> moduleNames, String rootFilesystem,
                       long epoch) {
    }

    public record Result(Path file, List<String> modules) {
    }

    public Result build(Spec spec, Path out) {
        Path modulesDir = modulesDir(spec.root(), spec.kernelRelease());
        List<String> order = new ModuleResolver(modulesDir).loadOrder(spec.moduleNames());
        Path busybox = spec.root().resolve("usr/bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new IllegalStateException("the root filesystem has no /usr/bin/busybox: add busybox-static to the "
                    + "profile's packages (the initramfs uses it)");
        }
        List<String> flatNames = new ArrayList<>();
        try (OutputStream file = Files.newOutputStream(out);
             GZIPOutputStream gz = new GZIPOutputStream(file, 1 << 16);
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(gz, CpioConstants.FORMAT_NEW)) {
            Writer w = new Writer(cpio, spec.epoch());
            for (String dir : List.of("bin", "dev", "etc", "etc/strata", "lib", "lib/modules", "newroot", "proc",
                    "run", "sys", "tmp")) {
                w.dir(dir);
            }
            w.charDevice("dev/console", 5, 1);
            w.charDevice("dev/null", 1, 3);
            w.file("bin/busybox", Files.readAllBytes(busybox), 0755);
            for (String rel : order) {
                String flat = rel.substring(rel.lastIndexOf('/') + 1);
                flatNames.add(flat);
                w.file("lib/modules/" + flat, Files.readAllBytes(modulesDir.resolve(rel)), 0644);
            }
            w.file("etc/strata/modules", (String.join("\n", flatNames) + "\n").getBytes(StandardCharsets.UTF_8), 0644);
            w.file("etc/strata/rootfs-type", (spec.rootFilesystem() + "\n").getBytes(StandardCharsets.UTF_8), 0644);
            w.file("init", initScript(), 0755);
            cpio.finish();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write initramfs " + out, e);
        }
        return new Result(out, flatNames);
    }

    static Path modulesDir(Path root, String release) {
        Path usr = root.resolve("usr/lib/modules").resolve(release);
        return Files.isDirectory(usr) ? usr : root.resolve("lib/modules").resolve(release);
    }

    private static byte[] initScript() throws IOException {
        try (InputStream in = InitramfsBuilder.class.getResourceAsStream(INIT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + INIT_RESOURCE);
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            in.transferTo(b);
            return b.toByteArray();
        }
    }

    /** Adds entries with fixed owner (root) and time, and inode numbers in order. */
    private static final class Writer {
        private final CpioArchiveOutputStream cpio;
        private final long epoch;
        private long inode = 1;

        Writer(CpioArchiveOutputStream cpio, long epoch) {
            this.cpio = cpio;
            this.epoch = epoch;
        }

        void dir(String name) throws IOException {
            CpioArchiveEntry e = entry(name, CpioConstants.C_ISDIR | 0755);
            e.setNumberOfLinks(2);
            cpio.putArchiveEntry(e);
            cpio.closeArchiveEntry();
        }

        void charDevice(String name, int major, int minor) throws IOException {
            CpioArchiveEntry e = entry(name, CpioConstants.C_ISCHR | 0600);
            e.setRemoteDeviceMaj(major);
            e.setRemoteDeviceMin(minor);
            cpio.putArchiveEntry(e);
            cpio.closeArchiveEntry();
        }

        void file(String name, byte[] content, int mode) throws IOException {
            CpioArchiveEntry e = entry(name, CpioConstants.C_ISREG | mode);
            e.setSize(content.length);
            cpio.putArchiveEntry(e);
            cpio.write(content);
            cpio.closeArchiveEntry();
        }

        private CpioArchiveEntry entry(String name, long mode) {
            CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
            e.setMode(mode);
            e.setTime(epoch);
            e.setUID(0);
            e.setGID(0);
            e.setInode(inode++);
            e.setNumberOfLinks(1);
            return e;
        }
    }
}
