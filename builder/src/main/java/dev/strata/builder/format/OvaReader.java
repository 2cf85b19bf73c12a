package dev.strata.builder.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an OVA back and checks what VMware and CloudStack rely on: descriptor first, manifest
 * right after it or last, every member's digest equal to the manifest, every referenced file
 * present with its declared size, the disk really streamOptimized with the declared capacity, and
 * the virtual size CloudStack's OVAProcessor would compute equal to the descriptor's.
 */
public final class OvaReader {

    private static final int MAX_TEXT_MEMBER = 16 << 20;
    private static final List<String> ALGORITHMS = List.of("SHA-1", "SHA-256");

    private OvaReader() {
    }

    private record Member(String name, long size, Map<String, String> digests, byte[] head) {
    }

    /**
     * Verifies the OVA in one sequential read (members are hashed as they stream by).
     *
     * @return what the descriptor declares
     * @throws InvalidOvaException listing every problem found
     */
    public static OvaSummary verify(Path ova) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Member> members = new LinkedHashMap<>();
        byte[] ovf = null;
        String ovfName = null;
        byte[] mf = null;
        String mfName = null;

        try (TarArchiveInputStream tin = new TarArchiveInputStream(new BufferedInputStream(Files.newInputStream(ova)))) {
            TarArchiveEntry e;
            while ((e = tin.getNextEntry()) != null) {
                String name = e.getName();
                names.add(name);
                if (!e.isFile()) {
                    problems.add("member '" + name + "' is not a regular file");
                    continue;
                }
                if (name.contains("/")) {
                    // OVF references are relative to the descriptor; VMware expects a flat archive.
                    problems.add("member '" + name + "' is inside a folder; an OVA is flat");
                }
                if (members.containsKey(name)) {
                    problems.add("member '" + name + "' appears twice");
                }
                boolean text = name.endsWith(".ovf") || name.endsWith(".mf");
                Member m = read(tin, name, text);
                members.put(name, m);
                if (name.endsWith(".ovf")) {
                    if (ovf == null) {
                        ovf = m.head();
                        ovfName = name;
                    } else {
                        problems.add("more than one descriptor: " + ovfName + ", " + name);
                    }
                } else if (name.endsWith(".mf")) {
                    if (mf == null) {
                        mf = m.head();
                        mfName = name;
                    } else {
                        problems.add("more than one manifest: " + mfName + ", " + name);
                    }
                }
            }
        }

        if (names.isEmpty()) {
            throw new InvalidOvaException(ova.toString(), List.of("no members: not a tar archive or empty"));
        }
        if (!names.get(0).endsWith(".ovf")) {
            problems.add("first member is '" + names.get(0) + "'; the .ovf descriptor must come first");
        }
        if (ovf == null) {
            problems.add("no .ovf descriptor");
            throw new InvalidOvaException(ova.toString(), problems);
        }

        OvfFacts facts;
        try {
            facts = OvfDescriptor.parse(ovf);
        } catch (IllegalArgumentException ex) {
            problems.add(ovfName + ": " + ex.getMessage());
            throw new InvalidOvaException(ova.toString(), problems);
        }

        String algorithm = checkManifest(names, members, mf, mfName, problems);
        checkReferences(names, members, facts, ovfName, mfName, problems);
        checkDisks(members, facts, problems);

        if (facts.vcpus() == null) {
            problems.add("descriptor has no processor item (rasd:ResourceType 3)");
        }
        if (facts.memoryMb() == null) {
            problems.add("descriptor has no memory item (rasd:ResourceType 4)");
        }
        if (!problems.isEmpty()) {
            throw new InvalidOvaException(ova.toString(), problems);
        }
        OvfFacts.OvfDisk disk = facts.disks().get(0);
        return new OvaSummary(names, facts.virtualSystemId(), facts.vcpus(), facts.memoryMb(),
                facts.controllerSubType(), disk.capacityBytes(), disk.format(), facts.osType(),
                facts.virtualSystemType(), facts.firmware(), algorithm);
    }

    private static Member read(InputStream in, String name, boolean keepAll) throws IOException {
        MultiDigest md = new MultiDigest(ALGORITHMS);
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        int limit = keepAll ? MAX_TEXT_MEMBER : VmdkHeader.HEAD_BYTES;
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
            int room = limit - kept.size();
            if (room > 0) {
                kept.write(buf, 0, Math.min(room, n));
            } else if (keepAll) {
                throw new IOException("member " + name + " is larger than " + MAX_TEXT_MEMBER + " bytes");
            }
        }
        Map<String, String> digests = new LinkedHashMap<>();
        for (String a : ALGORITHMS) {
            digests.put(a, md.hex(a));
        }
        return new Member(name, md.bytes(), digests, kept.toByteArray());
    }

    /** Manifest: present, placed right after the descriptor or last, and right about every other member. */
    private static String checkManifest(List<String> names, Map<String, Member> members, byte[] mf, String mfName,
                                        List<String> problems) {
        if (mf == null) {
            problems.add("no .mf manifest");
            return null;
        }
        int at = names.indexOf(mfName);
        int lastNonCert = names.size() - 1;
        while (lastNonCert > 0 && names.get(lastNonCert).endsWith(".cert")) {
            lastNonCert--;
        }
        if (at != 1 && at != lastNonCert) {
            problems.add("manifest is member " + (at + 1) + "; it must follow the descriptor or come last");
        }
        List<OvaManifest.Line> lines;
        try {
            lines = OvaManifest.parse(new String(mf, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException ex) {
            problems.add(mfName + ": " + ex.getMessage());
            return null;
        }
        Set<String> listed = new HashSet<>();
        String algorithm = null;
        for (OvaManifest.Line line : lines) {
            algorithm = algorithm == null ? line.algorithm() : algorithm;
            listed.add(line.fileName());
            Member m = members.get(line.fileName());
            if (m == null) {
                problems.add("manifest lists '" + line.fileName() + "', which is not in the archive");
                continue;
            }
            String actual = m.digests().get(line.jcaAlgorithm());
            if (actual == null) {
                problems.add("manifest uses " + line.algorithm() + ", which this reader does not check");
            } else if (!actual.equals(line.hex())) {
                problems.add(line.algorithm() + " of '" + line.fileName() + "' is " + actual
                        + " but the manifest says " + line.hex());
            }
        }
        for (String name : members.keySet()) {
            if (!name.equals(mfName) && !name.endsWith(".cert") && !listed.contains(name)) {
                problems.add("member '" + name + "' is not in the manifest");
            }
        }
        return algorithm;
    }

    /** Every referenced file is present with its size, nothing unreferenced, in References order. */
    private static void checkReferences(List<String> names, Map<String, Member> members, OvfFacts facts,
                                        String ovfName, String mfName, List<String> problems) {
        List<String> referenced = new ArrayList<>();
        for (OvfFacts.OvfFile f : facts.files()) {
            referenced.add(f.href());
            Member m = members.get(f.href());
            if (m == null) {
                problems.add("descriptor references '" + f.href() + "', which is not in the archive");
            } else if (f.size() != null && f.size() != m.size()) {
                problems.add("'" + f.href() + "' is " + m.size() + " bytes but the descriptor says " + f.size());
            }
        }
        List<String> payload = new ArrayList<>();
        for (String name : names) {
            if (name.equals(ovfName) || name.equals(mfName) || name.endsWith(".cert")) {
                continue;
            }
            payload.add(name);
            if (!referenced.contains(name)) {
                problems.add("member '" + name + "' is not referenced by the descriptor");
            }
        }
        List<String> expectedOrder = new ArrayList<>(referenced);
        expectedOrder.retainAll(payload);
        List<String> actualOrder = new ArrayList<>(payload);
        actualOrder.retainAll(referenced);
        if (!expectedOrder.equals(actualOrder)) {
            problems.add("files are in the order " + actualOrder + " but References lists " + expectedOrder);
        }
    }

    /** Disk present, its VMDK of the declared kind and capacity, and CloudStack's size reading agrees. */
    private static void checkDisks(Map<String, Member> members, OvfFacts facts, List<String> problems) {
        if (facts.disks().isEmpty()) {
            problems.add("descriptor declares no disk");
            return;
        }
        long total = 0;
        for (OvfFacts.OvfDisk d : facts.disks()) {
            total += d.capacityBytes();
            OvfFacts.OvfFile file = facts.files().stream()
                    .filter(f -> f.id() != null && f.id().equals(d.fileRef())).findFirst().orElse(null);
            if (file == null) {
                problems.add("disk " + d.diskId() + " refers to file id '" + d.fileRef() + "', which References lacks");
                continue;
            }
            Member m = members.get(file.href());
            if (m == null) {
                continue; // already reported by checkReferences
            }
            VmdkHeader h = VmdkHeader.parse(m.head());
            if (OvfDescriptor.FORMAT_STREAM_OPTIMIZED.equals(d.format()) && !h.isStreamOptimized()) {
                problems.add("'" + file.href() + "' is declared streamOptimized but is not (createType="
                        + h.createType() + ")");
            }
            if (h.magicOk() && h.capacityBytes() != d.capacityBytes()) {
                problems.add("disk " + d.diskId() + " capacity is " + d.capacityBytes() + " but '" + file.href()
                        + "' holds " + h.capacityBytes() + " bytes");
            }
        }
        if (facts.cloudStackVirtualSize() != total) {
            problems.add("CloudStack's OVAProcessor would read a virtual size of " + facts.cloudStackVirtualSize()
                    + " bytes instead of " + total + " (Disk/ovf:capacity spelling)");
        }
    }
}
