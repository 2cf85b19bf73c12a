package dev.strata.seeder.store;

import dev.strata.layout.Deletion;
import dev.strata.seeder.SeedException;
import dev.strata.seeder.SeedHooks;
import dev.strata.seeder.bundle.BundledTemplate;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The system account's template folder ({@code template/tmpl/1/}) of one mounted NFS store, and
 * the protocol that keeps it whole: a template is written into a staging folder, every file to a
 * temporary name, fsynced and renamed, read back and compared; a journal naming the template is
 * written; the staging folder is renamed to {@code <id>}. A folder named {@code <id>} is therefore
 * always complete, and a journal tells the next run which folders have no database rows yet.
 */
public final class TemplateStore {

    /** Where the server puts system templates (account 1 = system). */
    public static final String TEMPLATE_FOLDER = "template/tmpl/1";
    private static final String PREFIX = ".strata-seed-";
    private static final String STAGING_SUFFIX = "-staging";
    private static final String JOURNAL_SUFFIX = ".journal";
    private static final Pattern MEMBER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._\\-]*");
    private static final int BUFFER = 4 << 20;
    /** Kernel copies go in pieces this large, so progress and the halfway hook can be told. */
    private static final long CHUNK = 64L << 20;
    private static final long PROGRESS_EVERY_NANOS = 500_000_000L;

    private final Path root;
    private final Path folder;
    private final String label;
    private final SeedHooks hooks;
    private final CopyProgress progress;

    /** What a journal says: a published folder whose rows may not be committed. */
    public record Journal(long templateId, String uuid, String installPath) {
    }

    /**
     * A template complete under its staging name.
     *
     * @param imageCrc CRC32C of the image file as written (unpacked): other stores copy this file
     *                 instead of unpacking the bundled one again, and compare their copy with it
     */
    public record Staged(long templateId, Path dir, String fileName, String installPath, long physicalSize,
                         long virtualSize, long imageCrc) {

        public Path image() {
            return dir.resolve(fileName);
        }
    }

    public TemplateStore(Path root, String label, SeedHooks hooks, CopyProgress progress) {
        this.root = root;
        this.folder = root.resolve(TEMPLATE_FOLDER);
        this.label = label;
        this.hooks = hooks;
        this.progress = progress;
    }

    public Path root() {
        return root;
    }

    /** The server's install path: {@code /template/tmpl/1/<id>/<file>} (leading slash, as SystemVmTemplateRegistration writes it). */
    public static String installPath(long templateId, String fileName) {
        return "/" + TEMPLATE_FOLDER + "/" + templateId + "/" + fileName;
    }

    /** The server's rule for "already seeded": template.properties beside the install path. */
    public boolean isSeeded(String installPath) {
        Path dir = dirOf(installPath);
        return dir != null && Files.isRegularFile(dir.resolve(TemplateProperties.FILE));
    }

    /** The template's folder for an install path, or null when the path is not under template/. */
    Path dirOf(String installPath) {
        String rel = installPath.startsWith("/") ? installPath.substring(1) : installPath;
        int slash = rel.lastIndexOf('/');
        if (slash <= 0 || rel.contains("..")) {
            return null;
        }
        Path dir = root.resolve(rel.substring(0, slash)).normalize();
        return dir.startsWith(root) ? dir : null;
    }

    public Path templateDir(long templateId) {
        return folder.resolve(Long.toString(templateId));
    }

    // ---------------------------------------------------------------- recovery

    /** Journals left by runs that stopped between publishing a folder and committing its rows. */
    public List<Journal> journals() {
        List<Journal> out = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return out;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(f -> f.getFileName().toString().startsWith(PREFIX)
                    && f.getFileName().toString().endsWith(JOURNAL_SUFFIX)).sorted().toList()) {
                Properties props = new Properties();
                props.load(new StringReader(Files.readString(p, StandardCharsets.UTF_8)));
                try {
                    out.add(new Journal(Long.parseLong(props.getProperty("templateId")), props.getProperty("uuid"),
                            props.getProperty("installPath")));
                } catch (NumberFormatException e) {
                    // A journal cut short before its fsync: its folder was never renamed, drop it.
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw StoreErrors.of(e, folder, "read seeding journals");
        }
        return out;
    }

    /** Removes staging folders of interrupted runs (called under the upgrade lock, so none is in use). */
    public List<Path> removeStaging() {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(folder)) {
            return removed;
        }
        try (Stream<Path> s = Files.list(folder)) {
            for (Path p : s.filter(f -> f.getFileName().toString().startsWith(PREFIX)
                    && f.getFileName().toString().endsWith(STAGING_SUFFIX)).toList()) {
                Deletion.deleteTree(p);
                removed.add(p);
            }
        } catch (IOException e) {
            throw StoreErrors.of(e, folder, "remove an interrupted copy");
        }
        return removed;
    }

    /** The rows of a journal were committed: the journal has done its job. */
    public void forget(Journal j) {
        try {
            Files.deleteIfExists(journalFile(j.templateId()));
            fsyncDir(folder);
        } catch (IOException e) {
            throw StoreErrors.of(e, folder, "remove a seeding journal");
        }
    }

    /**
     * The rows of a journal were never committed: its staging folder goes, then the journal. A
     * folder named {@code <id>} is never removed: the seeder only gives a folder that name after
     * its rows are committed, so a {@code <id>} folder is the server's or an operator's.
     */
    public void rollBack(Journal j) {
        try {
            Path staging = stagingDir(j.templateId());
            if (Files.exists(staging)) {
                Deletion.deleteTree(staging);
            }
            Files.deleteIfExists(journalFile(j.templateId()));
            fsyncDir(folder);
        } catch (IOException e) {
            throw StoreErrors.of(e, folder, "remove an uncommitted template");
        }
    }

    /**
     * The rows of a journal were committed but the run stopped before renaming its folder: give
     * the staged folder its name now. If the folder exists complete (the server copied it again
     * meanwhile), the staged one is redundant and goes.
     */
    public void complete(Journal j) {
        Path staging = stagingDir(j.templateId());
        Path target = templateDir(j.templateId());
        try {
            if (Files.isDirectory(staging)) {
                if (Files.isRegularFile(target.resolve(TemplateProperties.FILE))) {
                    Deletion.deleteTree(staging);
                } else {
                    if (Files.exists(target)) {
                        Deletion.deleteTree(target); // no template.properties: an unfinished copy
                    }
                    Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.deleteIfExists(journalFile(j.templateId()));
            fsyncDir(folder);
        } catch (IOException e) {
            throw StoreErrors.of(e, target, "finish publishing a committed template");
        }
    }

    // ---------------------------------------------------------------- seeding

    /**
     * Fails early, before the bundle is read and anything is copied, when the store cannot be
     * written (read-only mount, no permission: a probe file is created and removed) or cannot hold
     * even the bundled files.
     */
    public void requireRoom(List<BundledTemplate> templates) {
        Path probeDir = folder;
        while (!Files.isDirectory(probeDir) && probeDir.startsWith(root) && !probeDir.equals(root)) {
            probeDir = probeDir.getParent(); // write nothing lasting before the bundle is verified
        }
        try {
            Path probe = probeDir.resolve(PREFIX + "probe-" + ProcessHandle.current().pid());
            Files.deleteIfExists(probe);
            Files.createFile(probe);
            Files.delete(probe);
            long need = 0;
            for (BundledTemplate t : templates) {
                need += Files.size(t.file());
            }
            FileStore fs = Files.getFileStore(probeDir);
            if (fs.getUsableSpace() < need) {
                throw new SeedException(SeedException.Kind.STORE_FULL, label + " has " + fs.getUsableSpace()
                        + " bytes free but the templates need at least " + need + "; nothing was written. "
                        + "Free space on the store (or add a store) and run again");
            }
        } catch (IOException e) {
            throw StoreErrors.of(e, probeDir, "write to the store (checked before any copy)");
        }
    }

    /**
     * Writes a template into its staging folder: the file unpacked as createtmplt.sh does (bzip2,
     * zip; an OVA is also extracted beside itself for VMware), then template.properties.
     */
    /**
     * @param sourceCrc CRC32C of the bundled file as verified (its sha512 was checked in the same
     *                  read); a plain file is copied by the kernel and its copy compared with this
     */
    public Staged stage(BundledTemplate t, long templateId, String fileUuid, long sourceCrc) {
        return stage(t, templateId, fileUuid, sourceCrc, null);
    }

    /**
     * @param unpacked the same template already unpacked on another store of this run, or null:
     *                 its image is copied by the kernel (the bundled file is unpacked once per run,
     *                 not once per store) and compared with the CRC32C taken when it was written
     */
    public Staged stage(BundledTemplate t, long templateId, String fileUuid, long sourceCrc, Staged unpacked) {
        String ext = t.hypervisor().extension();
        String fileName = fileUuid + "." + ext;
        Path staging = stagingDir(templateId);
        Path target = templateDir(templateId);
        if (Files.isRegularFile(target.resolve(TemplateProperties.FILE))) {
            throw new SeedException(SeedException.Kind.STORE, target + " already holds a template that the "
                    + "database does not know; move it away and run again (nothing was changed)");
        }
        try {
            Files.createDirectories(folder);
            if (Files.exists(staging)) {
                Deletion.deleteTree(staging);
            }
            Files.createDirectory(staging);
            Path image = staging.resolve(fileName);
            try {
                long imageCrc;
                if (unpacked != null) {
                    copyPlain(unpacked.image(), image, Files.size(unpacked.image()), unpacked.imageCrc(),
                            t.label() + " -> " + label);
                    imageCrc = unpacked.imageCrc();
                } else {
                    imageCrc = copyUnpacked(t, image, sourceCrc);
                }
                if (t.hypervisor().extension().equals("ova")) {
                    extractOva(image, staging);
                }
                long physical = Files.size(image);
                long virtual = physical;
                if (ext.equals("qcow2")) {
                    long v = Qcow2.virtualSize(image);
                    if (v < 0) {
                        throw new SeedException(SeedException.Kind.BUNDLE, t.label() + ": " + t.file()
                                + " does not unpack to a qcow2 image");
                    }
                    virtual = v;
                }
                TemplateProperties props = new TemplateProperties(fileName, ext,
                        t.hypervisor().sectionPrefix(), templateId, physical, virtual);
                writeSmallFile(staging.resolve(TemplateProperties.FILE), props.text());
                fsyncDir(staging);
                hooks.at(SeedHooks.Step.STAGED, staging.toString());
                return new Staged(templateId, staging, fileName, installPath(templateId, fileName), physical, virtual,
                        imageCrc);
            } catch (IOException | RuntimeException e) {
                deleteQuietly(staging);
                throw e;
            }
        } catch (IOException e) {
            throw StoreErrors.of(e, staging, "write " + t.label() + " template");
        }
    }

    /**
     * Writes the journal of a staged template (its id, final install path), before the rows are
     * written: the next run knows which staging folder belongs to which rows.
     */
    public Journal journal(Staged s, String templateUuid) {
        Path journal = journalFile(s.templateId());
        try {
            String text = "templateId=" + s.templateId() + "\nuuid=" + templateUuid + "\ninstallPath="
                    + s.installPath() + "\n";
            writeSmallFile(journal, text);
            fsyncDir(folder);
            hooks.at(SeedHooks.Step.JOURNALED, journal.toString());
            return new Journal(s.templateId(), templateUuid, s.installPath());
        } catch (IOException e) {
            throw StoreErrors.of(e, journal, "write the seeding journal");
        }
    }

    /**
     * After the rows are committed: gives the staged folder its final name {@code <id>} and drops
     * the journal. Until then the template lives under a dot name the server and
     * cloud-install-sys-tmplt never use, so a run killed before commit leaves nothing in their way.
     */
    public void publish(Staged s) {
        Path target = templateDir(s.templateId());
        try {
            if (Files.exists(target)) {
                // No template.properties (checked when staging): the server's own test says this is
                // an unfinished copy.
                Deletion.deleteTree(target);
            }
            Files.move(s.dir(), target, StandardCopyOption.ATOMIC_MOVE);
            fsyncDir(folder);
            Files.deleteIfExists(journalFile(s.templateId()));
            fsyncDir(folder);
            hooks.at(SeedHooks.Step.PUBLISHED, target.toString());
        } catch (IOException e) {
            throw StoreErrors.of(e, target, "publish the template folder");
        }
    }

    /** Before commit, on failure: this run's staging folder and journal go. */
    public void discard(Staged s) {
        rollBack(new Journal(s.templateId(), null, s.installPath()));
    }

    private Path stagingDir(long templateId) {
        return folder.resolve(PREFIX + templateId + STAGING_SUFFIX);
    }

    private Path journalFile(long templateId) {
        return folder.resolve(PREFIX + templateId + JOURNAL_SUFFIX);
    }

    // ---------------------------------------------------------------- copying

    /** @return CRC32C of the file written */
    private long copyUnpacked(BundledTemplate t, Path target, long sourceCrc) throws IOException {
        long total = Files.size(t.file());
        String what = t.label() + " -> " + label;
        if (t.packing() == BundledTemplate.Packing.PLAIN) {
            copyPlain(t.file(), target, total, sourceCrc, what);
            return sourceCrc;
        }
        try (CountingInput counted = new CountingInput(Files.newInputStream(t.file()));
             InputStream in = switch (t.packing()) {
                 case PLAIN -> counted;
                 case BZIP2 -> Bzip2Decoder.open(counted, t.label() + ": " + t.file());
                 case ZIP -> singleZipEntry(counted, t);
             }) {
            return writeVerified(in, target, counted, total, what);
        }
    }

    private static InputStream singleZipEntry(InputStream raw, BundledTemplate t) throws IOException {
        ZipInputStream zip = new ZipInputStream(new BufferedInputStream(raw, BUFFER));
        ZipEntry e = zip.getNextEntry();
        while (e != null && e.isDirectory()) {
            e = zip.getNextEntry();
        }
        if (e == null) {
            throw new SeedException(SeedException.Kind.BUNDLE, t.label() + ": " + t.file() + " is an empty zip");
        }
        // unzip -p concatenates every member; a system VM zip has exactly one disk in it.
        return zip;
    }

    /**
     * Streams into {@code target}'s temporary name, fsyncs, renames, then reads the file back and
     * compares a CRC32C of what was written with what is on the store.
     */
    private long writeVerified(InputStream in, Path target, CountingInput counted, long total, String what)
            throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        CRC32C written = new CRC32C();
        long bytes = 0;
        long start = System.nanoTime();
        long lastReport = start;
        boolean halfwayTold = false;
        byte[] buf = new byte[BUFFER];
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                written.update(buf, 0, n);
                ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                while (bb.hasRemaining()) {
                    out.write(bb);
                }
                bytes += n;
                long now = System.nanoTime();
                if (counted != null && now - lastReport >= PROGRESS_EVERY_NANOS) {
                    lastReport = now;
                    progress.update(what, counted.count(), total, rate(counted.count(), start, now), false);
                }
                if (!halfwayTold && counted != null && counted.count() * 2 >= total) {
                    halfwayTold = true;
                    hooks.at(SeedHooks.Step.COPY_HALFWAY, part.toString());
                }
            }
            out.force(true);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        if (counted != null) {
            long now = System.nanoTime();
            progress.update(what, counted.count(), total, rate(counted.count(), start, now), true);
        }
        verifyOnStore(target, bytes, written.getValue());
        return written.getValue();
    }

    /**
     * A file that needs no unpacking: copied by the kernel (no pass through this process, as fast
     * as cp), each piece read back through the store's file system by a second thread while the
     * next piece is copied, fsynced, compared with the CRC32C taken when its sha512 was verified,
     * and only then renamed.
     */
    private void copyPlain(Path source, Path target, long total, long sourceCrc, String what) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long start = System.nanoTime();
        long lastReport = start;
        boolean halfwayTold = false;
        CRC32C readBack = new CRC32C();
        ExecutorService checker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strata-seed-readback");
            t.setDaemon(true);
            return t;
        });
        List<Future<?>> checks = new ArrayList<>();
        ByteBuffer checkBuffer = ByteBuffer.allocateDirect(BUFFER);
        try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                     StandardOpenOption.READ)) {
            long done = 0;
            while (done < total) {
                long n = in.transferTo(done, Math.min(CHUNK, total - done), out);
                if (n <= 0) {
                    throw new IOException("copy stopped at byte " + done + " of " + total);
                }
                long pos = done;
                // One thread, pieces in order: the CRC runs over the file exactly as copied. Read,
                // not mapped: a mapping outlives the channel until garbage collection and would
                // keep an NFS store busy at unmount.
                checks.add(checker.submit(() -> {
                    crcRange(out, pos, n, readBack, checkBuffer);
                    return null;
                }));
                done += n;
                long now = System.nanoTime();
                if (now - lastReport >= PROGRESS_EVERY_NANOS) {
                    lastReport = now;
                    progress.update(what, done, total, rate(done, start, now), false);
                }
                if (!halfwayTold && done * 2 >= total) {
                    halfwayTold = true;
                    hooks.at(SeedHooks.Step.COPY_HALFWAY, part.toString());
                }
            }
            out.force(true);
            for (Future<?> f : checks) {
                f.get();
            }
            if (out.size() != total || readBack.getValue() != sourceCrc) {
                throw new SeedException(SeedException.Kind.CHECKSUM, "the copy on the store differs from the bundled "
                        + "file: " + part + " (" + out.size() + " of " + total + " bytes); the store is failing, "
                        + "nothing was kept");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking " + part, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } finally {
            checker.shutdownNow();
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        progress.update(what, total, total, rate(total, start, System.nanoTime()), true);
    }

    private static double rate(long bytes, long startNanos, long nowNanos) {
        double seconds = Math.max(1e-9, (nowNanos - startNanos) / 1e9);
        return bytes / seconds;
    }

    private static void verifyOnStore(Path file, long expectedBytes, long expectedCrc) throws IOException {
        CRC32C read = new CRC32C();
        long bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            bytes = ch.size();
            crcRange(ch, 0, bytes, read, ByteBuffer.allocateDirect(BUFFER));
        }
        if (bytes != expectedBytes || read.getValue() != expectedCrc) {
            throw new SeedException(SeedException.Kind.CHECKSUM, "the copy on the store differs from what was written: "
                    + file + " (" + bytes + " of " + expectedBytes + " bytes); the store is failing or full, nothing was kept");
        }
    }

    /** CRC32C of {@code length} bytes at {@code position}, read through the file system. */
    private static void crcRange(FileChannel ch, long position, long length, CRC32C crc, ByteBuffer buf)
            throws IOException {
        long pos = position;
        long end = position + length;
        while (pos < end) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), end - pos));
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new IOException("file ends at " + pos + ", expected " + end + " bytes");
            }
            buf.flip();
            crc.update(buf);
            pos += n;
        }
    }

    /** VMware: the OVA's members (.ovf, .vmdk, .mf) beside it, as setup-sysvm-tmplt extracts them. */
    private void extractOva(Path ova, Path dir) throws IOException {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new BufferedInputStream(Files.newInputStream(ova), BUFFER))) {
            TarArchiveEntry e;
            int members = 0;
            while ((e = tar.getNextEntry()) != null) {
                String name = e.getName();
                if (!e.isFile() || !MEMBER.matcher(name).matches() || name.equals(TemplateProperties.FILE)
                        || name.endsWith(".part") || name.equals(ova.getFileName().toString())) {
                    throw new SeedException(SeedException.Kind.BUNDLE, ova.getFileName() + ": OVA member '" + name
                            + "' is not a plain file name; an OVA is a flat archive of .ovf, .vmdk and .mf");
                }
                writeVerified(tar, dir.resolve(name), null, e.getSize(), name);
                members++;
            }
            if (members == 0) {
                throw new SeedException(SeedException.Kind.BUNDLE, ova.getFileName() + " is not an OVA (no members)");
            }
        }
    }

    private static void writeSmallFile(Path target, String text) throws IOException {
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bb = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bb.hasRemaining()) {
                out.write(bb);
            }
            out.force(true);
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Makes a rename durable: fsync of the folder holding it. */
    private static void fsyncDir(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (NoSuchFileException e) {
            throw e;
        } catch (IOException e) {
            // Some file systems refuse fsync on a folder; the rename is still atomic there.
            if (!String.valueOf(e.getMessage()).contains("Invalid argument")) {
                throw e;
            }
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Deletion.deleteTree(dir);
        } catch (IOException ignored) {
            // The next run removes staging folders under the lock.
        }
    }

    /** Counts bytes read from the bundled file, for progress on compressed files too. */
    private static final class CountingInput extends java.io.FilterInputStream {
        private long count;

        CountingInput(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }
    }
}
