package dev.strata.builder.bundle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maven coordinates for a bundle's files: classifier and type, chosen so that Maven's own file
 * name {@code <artifactId>-<version>-<classifier>.<type>} is CloudStack's name when the
 * artifactId is {@code systemvmtemplate} and the version the template's (for example
 * {@code x86_64-kvm} + {@code qcow2.bz2}).
 */
public final class BundleArtifacts {

    /** One attached artifact. */
    public record Coordinates(String classifier, String type) {
    }

    private static final Pattern TEMPLATE = Pattern.compile("systemvmtemplate-[0-9.]+-([a-z0-9_]+-[a-z0-9]+)\\.(.+)");
    private static final Pattern LAYER = Pattern.compile("([a-z0-9][a-z0-9-]*)-[0-9][0-9.]*\\.layer");
    private static final Pattern OTHER = Pattern.compile("([A-Za-z0-9_-]+)\\.([A-Za-z0-9.]+)");

    private BundleArtifacts() {
    }

    public static Coordinates of(String fileName) {
        Matcher m = TEMPLATE.matcher(fileName);
        if (m.matches()) {
            return new Coordinates(m.group(1), m.group(2));
        }
        m = LAYER.matcher(fileName);
        if (m.matches()) {
            return new Coordinates(m.group(1) + "-layer", "layer");
        }
        m = OTHER.matcher(fileName);
        if (m.matches()) {
            // metadata.ini -> metadata/ini, strata-bundle.json -> strata-bundle/json, bom.cdx.json -> bom/cdx.json
            return new Coordinates(m.group(1), m.group(2));
        }
        throw new IllegalArgumentException("cannot attach '" + fileName + "': not a bundle file name");
    }
}
