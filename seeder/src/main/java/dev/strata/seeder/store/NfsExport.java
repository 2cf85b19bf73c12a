package dev.strata.seeder.store;

import dev.strata.seeder.SeedException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * An NFS image store URL ({@code nfs://host/path}) as the {@code host:/path} device that
 * {@code mount -t nfs} takes, validated so it can only ever be one argument of a mount command.
 */
public record NfsExport(String host, String path) {

    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.\\-]*|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._\\-/+@%,=~]*");
    private static final Pattern VERSION = Pattern.compile("[2-4](\\.[0-2])?");

    public NfsExport {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new SeedException(SeedException.Kind.STORE, "NFS host '" + host + "' is not a host name or address");
        }
        if (path == null || !PATH.matcher(path).matches() || path.contains("/../") || path.endsWith("/..")) {
            throw new SeedException(SeedException.Kind.STORE, "NFS export path '" + path + "' is not a plain absolute path");
        }
    }

    public static NfsExport fromStoreUrl(String url) {
        try {
            URI uri = new URI(url);
            if (!"nfs".equalsIgnoreCase(uri.getScheme())) {
                throw new SeedException(SeedException.Kind.STORE, "image store URL '" + url + "' is not nfs://host/path");
            }
            return new NfsExport(uri.getHost(), uri.getPath());
        } catch (URISyntaxException e) {
            throw new SeedException(SeedException.Kind.STORE, "image store URL '" + url + "' is malformed: " + e.getMessage());
        }
    }

    /** {@code host:/path}. */
    public String device() {
        return host + ":" + path;
    }

    /** Checks a {@code secstorage.nfs.version} value before it becomes {@code -o vers=...}. */
    public static String checkVersion(String version) {
        if (version != null && !version.isBlank() && !VERSION.matcher(version.strip()).matches()) {
            throw new SeedException(SeedException.Kind.STORE, "secstorage.nfs.version '" + version
                    + "' is not an NFS version (3, 4, 4.1, 4.2)");
        }
        return version == null || version.isBlank() ? null : version.strip();
    }
}
