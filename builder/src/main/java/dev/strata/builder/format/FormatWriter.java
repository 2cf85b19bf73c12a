package dev.strata.builder.format;

import dev.strata.builder.pipeline.Reporter;
import dev.strata.builder.profile.Compression;
import dev.strata.builder.profile.Output;
import dev.strata.builder.tools.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes one template file from the raw disk: converts it to the output's disk format and
 * compresses it as CloudStack ships it. qemu-img makes qcow2 (compat 0.10, compressed
 * clusters, as CloudStack's build does), dynamic VHD and streamOptimized VMDK; Java writes
 * the OVA around the VMDK, the zip, and the few header fields that make qemu-img's output
 * reproducible.
 */
public final class FormatWriter {

    private final CommandRunner runner;
    private final Reporter reporter;
    private final long epoch;
    private final String seed;

    public FormatWriter(CommandRunner runner, Reporter reporter, long epoch, String seed) {
        this.runner = runner;
        this.reporter = reporter;
        this.epoch = epoch;
        this.seed = seed;
    }

    /** Writes {@code out} (its name is the CloudStack file name) and returns it. */
    public Path write(Output output, Path rawDisk, long diskSize, Path workDir, Path out) {
        String fileName = out.getFileName().toString();
        String diskName = fileName.substring(0, fileName.length() - output.compression().extension().length());
        Path tmp = workDir.resolve("formats");
        try {
            Files.createDirectories(tmp);
            Path disk = tmp.resolve(diskName);
            Files.deleteIfExists(disk);
            switch (output.format()) {
                case QCOW2 -> qemuImg(rawDisk, disk, "qcow2", List.of("-c", "-o", "compat=0.10"));
                case VHD -> {
                    qemuImg(rawDisk, disk, "vpc", List.of("-o", "subformat=dynamic,force_size=on"));
                    ReproducibleHeaders.normaliseVhd(disk, epoch, uuid("vhd-" + output.hypervisor().id()));
                }
                case RAW -> Files.copy(rawDisk, disk, StandardCopyOption.REPLACE_EXISTING);
                case OVA -> writeOva(rawDisk, diskSize, disk, tmp);
            }
            Path compressed = compress(disk, output.compression());
            Files.move(compressed, out, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(disk);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }

    private void writeOva(Path rawDisk, long diskSize, Path ova, Path tmp) throws IOException {
        String base = ova.getFileName().toString().replaceFirst("\\.ova$", "");
        Path vmdk = tmp.resolve(base + "-disk1.vmdk");
        Files.deleteIfExists(vmdk);
        qemuImg(rawDisk, vmdk, "vmdk", List.of("-o", "subformat=streamOptimized,adapter_type=lsilogic"));
        ReproducibleHeaders.normaliseVmdk(vmdk, seed);
        OvaWriter.write(vmdk, diskSize, base, ova, epoch);
        Files.deleteIfExists(vmdk);
    }

    private void qemuImg(Path in, Path out, String format, List<String> options) {
        List<String> args = new java.util.ArrayList<>(List.of("qemu-img", "convert", "-p", "-f", "raw", "-O", format));
        args.addAll(options);
        args.add(in.toString());
        args.add(out.toString());
        runner.run(CommandRunner.Command.of(args), line -> {
            String t = line.strip();
            if (t.startsWith("(") && t.contains("%")) {
                reporter.progress("format", out.getFileName() + " " + t);
            }
        });
    }

    private Path compress(Path file, Compression compression) throws IOException {
        return switch (compression) {
            case NONE -> file;
            case BZIP2 -> {
                // lbzip2 compresses on every core and writes standard bzip2 (bunzip2 reads it).
                Path bz = file.resolveSibling(file.getFileName() + ".bz2");
                Files.deleteIfExists(bz);
                runner.run(CommandRunner.Command.of("lbzip2", "-9", "-k", "-f", file.toString()));
                yield bz;
            }
            case ZIP -> zip(file);
        };
    }

    /** A zip holding the one file, with a fixed entry time so the bytes are reproducible. */
    private Path zip(Path file) throws IOException {
        Path zip = file.resolveSibling(file.getFileName() + ".zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
             InputStream in = Files.newInputStream(file)) {
            z.setLevel(Deflater.BEST_COMPRESSION);
            ZipEntry entry = new ZipEntry(file.getFileName().toString());
            entry.setTimeLocal(LocalDateTime.ofEpochSecond(epoch, 0, ZoneOffset.UTC));
            z.putNextEntry(entry);
            in.transferTo(z);
            z.closeEntry();
        }
        return zip;
    }

    private UUID uuid(String what) {
        return UUID.nameUUIDFromBytes(("strata:" + seed + ":" + what).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
