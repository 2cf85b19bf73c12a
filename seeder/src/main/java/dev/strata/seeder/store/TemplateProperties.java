package dev.strata.seeder.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code template.properties} CloudStack's scripts write beside a seeded system VM template
 * (createtmplt.sh: filename, description, hvm, size; then setup-sysvm-tmplt: {@code <ext>=true},
 * id, public, {@code <ext>.filename}, uniquename, {@code <ext>.virtualsize}, virtualsize,
 * {@code <ext>.size}), in that order. The server reads {@code size} back as the physical size and
 * {@code virtualsize} as the size; the SSVM reads the rest when it lists the store.
 *
 * @param fileName     {@code <uuid>.<ext>}
 * @param extension    qcow2, vhd, ova, raw
 * @param hypervisor   lower-case hypervisor name for the description
 * @param templateId   folder name under template/tmpl/1
 * @param physicalSize bytes of the file on the store
 * @param virtualSize  disk size the guest sees (qcow2 header), else the file size
 */
public record TemplateProperties(String fileName, String extension, String hypervisor, long templateId,
                                 long physicalSize, long virtualSize) {

    public static final String FILE = "template.properties";

    public Map<String, String> entries() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("filename", fileName);
        m.put("description", "SystemVM Template ( " + hypervisor + " )");
        // createtmplt.sh writes hvm=false unless called with -h, which setup-sysvm-tmplt never passes.
        m.put("hvm", "false");
        m.put("size", Long.toString(physicalSize));
        m.put(extension, "true");
        m.put("id", Long.toString(templateId));
        m.put("public", "true");
        m.put(extension + ".filename", fileName);
        m.put("uniquename", "routing-" + templateId);
        m.put(extension + ".virtualsize", Long.toString(virtualSize));
        m.put("virtualsize", Long.toString(virtualSize));
        m.put(extension + ".size", Long.toString(physicalSize));
        return m;
    }

    /** Text as the shell scripts write it: {@code key=value} lines, no escaping, no comments. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        entries().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** {@code size} and {@code virtualsize} of a written file, read as the server reads them. */
    public static long[] sizes(String text) {
        long physical = 0;
        Long virtual = null;
        for (String line : text.split("\n")) {
            if (line.startsWith("size=")) {
                physical = Long.parseLong(line.substring(5).strip());
            } else if (line.startsWith("virtualsize=")) {
                virtual = Long.parseLong(line.substring(12).strip());
            }
        }
        return new long[] {physical, virtual == null ? physical : virtual};
    }
}
