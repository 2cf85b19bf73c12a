package dev.strata.layout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a layer may contain, checked before any of its bytes are read (a FIFO would block the
 * reader for ever, a device node would read the device): regular files, folders and symbolic
 * links that resolve inside the layer; every entry owned by root:root (what the builder's
 * {@code mksquashfs -all-root} makes); no setuid, setgid or sticky bit and nothing writable by
 * group or others (the builder makes 0755 and 0644 only). The first entry that breaks a rule is
 * named, with the layer as the caller gave it.
 */
final class LayerEntries {

    /** Links followed while resolving one link, as the kernel's own limit (ELOOP). */
    private static final int MAX_HOPS = 40;

    private LayerEntries() {
    }

    /**
     * @param root  the layer folder (possibly a staging copy)
     * @param label how to name the layer in errors: the file or folder the caller gave
     */
    static void check(Path root, String label) {
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read layer " + label, e);
        }
        for (Path p : entries) {
            String rel = p.equals(root) ? "." : root.relativize(p).toString();
            EntryInfo e;
            try {
                e = EntryInfo.of(p, ContentDigest.Owners.ON_DISK);
            } catch (IOException x) {
                throw new UncheckedIOException("cannot read " + rel + " of layer " + label, x);
            }
            String where = "layer " + label + ": " + rel + " ";
            if (e.type() != 'f' && e.type() != 'd' && e.type() != 'l') {
                throw new LayerException(where + "is " + EntryInfo.describe(e.type())
                        + "; a layer may hold only regular files, folders and symbolic links inside the layer");
            }
            if (p.equals(root) && e.type() != 'd') {
                throw new LayerException("layer " + label + " is not a folder");
            }
            if (e.uid() != 0 || e.gid() != 0) {
                throw new LayerException(where + "is owned by uid " + e.uid() + " gid " + e.gid()
                        + "; every entry of a layer belongs to root:root");
            }
            if (e.type() == 'l') {
                requireInside(root, p, where);
                continue;
            }
            if ((e.mode() & 07000) != 0) {
                throw new LayerException(where + "has mode " + String.format("%04o", e.mode())
                        + ": setuid, setgid and sticky bits are not allowed in a layer");
            }
            if ((e.mode() & 0022) != 0) {
                throw new LayerException(where + "has mode " + String.format("%04o", e.mode())
                        + ": nothing in a layer may be writable by group or others");
            }
        }
    }

    /**
     * Resolves a link the way the kernel would, component by component, following links met on
     * the way (all inside this same layer), and refuses it the moment it would leave the layer or
     * is absolute (a layer is seen at /router/&lt;version&gt;; an absolute target means the root
     * image's files). A target that does not exist is fine as long as its path stays inside.
     */
    private static void requireInside(Path root, Path link, String where) {
        List<String> at = new ArrayList<>();
        Path parent = root.relativize(link).getParent();
        if (parent != null) {
            parent.forEach(c -> at.add(c.toString()));
        }
        Deque<String> todo = new ArrayDeque<>();
        String first = readLink(link, where);
        pushTarget(todo, first, where);
        int hops = 0;
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (at.isEmpty()) {
                    throw new LayerException(where + "is a symbolic link to " + first
                            + ", outside the layer; a layer's links must stay inside it");
                }
                at.remove(at.size() - 1);
                continue;
            }
            at.add(c);
            Path here = root.resolve(String.join("/", at));
            if (Files.isSymbolicLink(here)) {
                if (++hops > MAX_HOPS) {
                    throw new LayerException(where + "is a symbolic link that does not resolve (a loop)");
                }
                at.remove(at.size() - 1);
                pushTarget(todo, readLink(here, where), where);
            } else if (!Files.exists(here, LinkOption.NOFOLLOW_LINKS)) {
                // Nothing more to follow below a missing entry: the rest is plain names and "..".
                continue;
            }
        }
    }

    private static void pushTarget(Deque<String> todo, String target, String where) {
        if (target.startsWith("/")) {
            throw new LayerException(where + "is a symbolic link to the absolute path " + target
                    + "; a layer's links must be relative and stay inside it");
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static String readLink(Path link, String where) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the link " + where, e);
        }
    }
}
