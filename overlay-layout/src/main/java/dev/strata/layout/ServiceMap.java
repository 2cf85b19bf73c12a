package dev.strata.layout;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which systemd units a layer's files feed: {@code services.properties} at the layer root,
 * {@code unit=path path...} (paths relative to the layer root; a folder covers what is in it).
 * A live switch restarts exactly the units whose paths differ between the old and the new
 * layer, so an upgrade that only changes, say, the agent leaves dnsmasq and haproxy running.
 */
public record ServiceMap(Map<String, List<String>> units) {

    public static final String FILE = "services.properties";
    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9@._-]{1,200}\\.service");
    private static final Pattern PATH = Pattern.compile("[A-Za-z0-9._+-][A-Za-z0-9._+/-]{0,250}");

    public ServiceMap {
        Map<String, List<String>> copy = new TreeMap<>();
        units.forEach((unit, paths) -> {
            if (!UNIT.matcher(unit).matches()) {
                throw new IllegalArgumentException("not a systemd service unit name: '" + unit + "'");
            }
            for (String path : paths) {
                if (!PATH.matcher(path).matches() || Arrays.asList(path.split("/")).contains("..")) {
                    throw new IllegalArgumentException("unit " + unit + ": path '" + path
                            + "' must be relative to the layer root, without '..'");
                }
            }
            copy.put(unit, List.copyOf(paths));
        });
        units = java.util.Collections.unmodifiableMap(copy);
    }

    /** The layer's map; a layer without the file feeds no unit. */
    public static ServiceMap of(Path layerDir) {
        Path f = layerDir.resolve(FILE);
        if (!Files.exists(f)) {
            return new ServiceMap(Map.of());
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, List<String>> units = new LinkedHashMap<>();
        for (String unit : p.stringPropertyNames()) {
            units.put(unit, List.of(p.getProperty(unit).trim().split("\\s+")));
        }
        return new ServiceMap(units);
    }

    public byte[] toBytes() {
        StringBuilder s = new StringBuilder();
        units.forEach((unit, paths) -> s.append(unit).append('=').append(String.join(" ", paths)).append('\n'));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Digest of what one unit reads from the layer. A unit that lists {@code manifest.properties}
     * (the agent's launcher reads its version there, and the agent reports it) changes with every
     * new layer version even when its programs are the same bytes.
     */
    public String digest(Path layerDir, String unit) {
        List<String> paths = units.getOrDefault(unit, List.of());
        String files = ContentDigest.of(layerDir, rel -> paths.stream().anyMatch(p -> rel.equals(p) || rel.startsWith(p + "/")));
        if (!paths.contains(LayerManifest.FILE)) {
            return files;
        }
        try {
            return files + ":" + LayerManifest.parse(Files.readAllBytes(layerDir.resolve(LayerManifest.FILE))).version();
        } catch (IOException | IllegalArgumentException e) {
            return files + ":unreadable-manifest";
        }
    }

    /** Units of the new layer whose files differ from the old layer's (or that the old one lacked). */
    public static List<String> changed(Path oldLayer, Path newLayer) {
        ServiceMap before = oldLayer == null ? new ServiceMap(Map.of()) : of(oldLayer);
        ServiceMap after = of(newLayer);
        List<String> changed = new ArrayList<>();
        for (String unit : after.units().keySet()) {
            if (!before.units().containsKey(unit)
                    || !before.units().get(unit).equals(after.units().get(unit))
                    || !before.digest(oldLayer, unit).equals(after.digest(newLayer, unit))) {
                changed.add(unit);
            }
        }
        return changed;
    }
}
