package dev.strata.seeder;

import dev.strata.builder.format.MetadataEntry;
import dev.strata.builder.format.MetadataIni;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Writes a small but real-shaped bundle: metadata.ini (by the builder's writer) and one file per
 * hypervisor packed as CloudStack ships them (qcow2.bz2 with a real qcow2 header, vhd.bz2,
 * ova = tar of ovf/vmdk/mf, vhd.zip, raw.bz2).
 */
public final class TestBundle {

    public static final long QCOW2_VIRTUAL_SIZE = 5L << 30;
    /** The bundle's downloadrepository; URLs are {@code <prefix><major.minor>/<file>} as the builder writes them. */
    public static final String REPOSITORY = "https://download.test/systemvm/";

    static String majorMinor(String version) {
        String[] v = version.split("\\.");
        return v[0] + "." + v[1];
    }

    private TestBundle() {
    }

    /** @param payload bytes of disk content per template (random, so compression does not hide it) */
    public static Path write(Path dir, String version, int payload) throws Exception {
        Files.createDirectories(dir);
        String v3 = version.substring(0, version.lastIndexOf('.'));
        Random random = new Random(version.hashCode());
        List<MetadataEntry> entries = new ArrayList<>();
        entries.add(entry(dir, v3, "kvm-x86_64", "systemvm-kvm-" + v3 + "-x86_64",
                "systemvmtemplate-" + v3 + "-x86_64-kvm.qcow2.bz2", bzip2(qcow2(payload, random))));
        entries.add(entry(dir, v3, "kvm-aarch64", "systemvm-kvm-" + v3 + "-aarch64",
                "systemvmtemplate-" + v3 + "-aarch64-kvm.qcow2.bz2", bzip2(qcow2(payload, random))));
        entries.add(entry(dir, v3, "vmware", "systemvm-vmware-" + v3 + "-x86_64",
                "systemvmtemplate-" + v3 + "-x86_64-vmware.ova", ova(v3, payload, random)));
        entries.add(entry(dir, v3, "xenserver", "systemvm-xenserver-" + v3 + "-x86_64",
                "systemvmtemplate-" + v3 + "-x86_64-xen.vhd.bz2", bzip2(bytes(payload, random))));
        entries.add(entry(dir, v3, "hyperv", "systemvm-hyperv-" + v3 + "-x86_64",
                "systemvmtemplate-" + v3 + "-x86_64-hyperv.vhd.zip", zip("disk.vhd", bytes(payload, random))));
        entries.add(entry(dir, v3, "ovm3", "systemvm-ovm3-" + v3 + "-x86_64",
                "systemvmtemplate-" + v3 + "-x86_64-ovm.raw.bz2", bzip2(bytes(payload, random))));
        Files.writeString(dir.resolve("metadata.ini"), MetadataIni.build(version, REPOSITORY, entries),
                StandardCharsets.UTF_8);
        return dir;
    }

    private static MetadataEntry entry(Path dir, String v3, String section, String name, String file, byte[] content)
            throws Exception {
        Files.write(dir.resolve(file), content);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(content));
        return new MetadataEntry(section, name, file, sha, REPOSITORY + majorMinor(v3) + "/" + file,
                MetadataIni.archOf(section), MetadataIni.defaultGuestOs(section));
    }

    static byte[] qcow2(int payload, Random random) {
        byte[] b = bytes(Math.max(payload, 512), random);
        ByteBuffer h = ByteBuffer.wrap(b);
        h.putInt(0, 0x514649fb);
        h.putInt(4, 3);
        h.putLong(24, QCOW2_VIRTUAL_SIZE);
        return b;
    }

    static byte[] bytes(int n, Random random) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static byte[] bzip2(byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (OutputStream bz = new BZip2CompressorOutputStream(out)) {
            bz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(name));
            z.write(data);
            z.closeEntry();
        }
        return out.toByteArray();
    }

    static byte[] ova(String v3, int payload, Random random) throws IOException {
        String base = "systemvmtemplate-" + v3 + "-vmware";
        byte[] ovf = ("<?xml version=\"1.0\"?><Envelope><References><File ovf:href=\"" + base
                + "-disk1.vmdk\"/></References></Envelope>\n").getBytes(StandardCharsets.UTF_8);
        byte[] vmdk = bytes(payload, random);
        byte[] mf = ("SHA256(" + base + ".ovf)= 00\n").getBytes(StandardCharsets.UTF_8);
        var out = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            add(tar, base + ".ovf", ovf);
            add(tar, base + ".mf", mf);
            add(tar, base + "-disk1.vmdk", vmdk);
        }
        return out.toByteArray();
    }

    private static void add(TarArchiveOutputStream tar, String name, byte[] data) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }
}
