package dev.strata.builder.format;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One hypervisor section of CloudStack's systemvm {@code metadata.ini}.
 *
 * <p>Field names follow the keys the management server reads from each section
 * (SystemVmTemplateRegistration.parseMetadataFile: templatename, filename, downloadurl, checksum,
 * guestos; the architecture comes from the section name, {@code arch} is written for humans and
 * tools).
 *
 * @param section      section name, e.g. {@code kvm-x86_64}, {@code kvm-aarch64}, {@code vmware}
 * @param templateName {@code templatename}: becomes vm_template.name and router.template.&lt;hv&gt;
 * @param fileName     {@code filename}: the file bundled next to metadata.ini
 * @param sha512       {@code checksum}: sha512 of the file, lower-case hex (a mismatch fails registration)
 * @param downloadUrl  {@code downloadurl}: where the server fetches the file when it is not bundled
 * @param arch         {@code arch}: x86_64 or aarch64
 * @param guestOs      {@code guestos}: guest_os display name looked up in the database
 */
public record MetadataEntry(String section, String templateName, String fileName, String sha512,
                            String downloadUrl, String arch, String guestOs) {

    private static final Pattern SHA512_HEX = Pattern.compile("[0-9a-f]{128}");

    public MetadataEntry {
        section = MetadataIni.requireValue("section", section);
        templateName = MetadataIni.requireValue("templatename", templateName);
        fileName = MetadataIni.requireValue("filename", fileName);
        downloadUrl = MetadataIni.requireValue("downloadurl", downloadUrl);
        arch = MetadataIni.requireValue("arch", arch);
        guestOs = MetadataIni.requireValue("guestos", guestOs);
        // sha512sum prints lower case; normalise so the file is byte-stable whatever the caller used.
        sha512 = Objects.requireNonNull(sha512, "checksum").toLowerCase(Locale.ROOT);
        if (!SHA512_HEX.matcher(sha512).matches()) {
            throw new IllegalArgumentException("checksum of " + section
                    + " must be 128 hex digits (sha512), got '" + sha512 + "'");
        }
        if (fileName.contains("/")) {
            // The server resolves filename inside its templates folder; a path would escape it.
            throw new IllegalArgumentException("filename must be a bare file name: " + fileName);
        }
        // http(s) for a download server; file: for a bundle only ever seeded from the management
        // server's own disk (the server stores the URL but never fetches it for NFS stores).
        if (!downloadUrl.startsWith("https://") && !downloadUrl.startsWith("http://")
                && !downloadUrl.startsWith("file:///")) {
            throw new IllegalArgumentException("downloadurl must be an http(s) or file:/// URL: " + downloadUrl);
        }
    }
}
