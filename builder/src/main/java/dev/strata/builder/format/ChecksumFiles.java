package dev.strata.builder.format;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code md5sum.txt} and {@code sha512sum.txt} published beside the templates (upstream's
 * tools/appliance/build.sh runs {@code md5sum * > md5sum.txt} and {@code sha512sum * > sha512sum.txt}
 * in dist/; templateConfig.sh then copies each template's sha512 into metadata.ini).
 *
 * <p>Format is GNU coreutils' text mode: {@code <lower-case hex><space><space><file name>\n}, so
 * {@code sha512sum -c} and {@code md5sum -c} check the folder unchanged. Lines are sorted by file
 * name in code-point order (the shell glob upstream sorts by locale, which is not reproducible).
 */
public final class ChecksumFiles {

    public static final String MD5_LIST = "md5sum.txt";
    public static final String SHA512_LIST = "sha512sum.txt";

    private static final String MD5 = "MD5";
    private static final String SHA512 = "SHA-512";
    private static final List<String> ALGORITHMS = List.of(MD5, SHA512);

    // coreutils accepts "<hex> <name>" (text, second char ' ') and "<hex> *<name>" (binary).
    private static final Pattern LINE = Pattern.compile("([0-9a-fA-F]+) ([ *])(.+)");

    private ChecksumFiles() {
    }

    /** Digests of one file, one read pass for both algorithms. */
    public static FileDigest digest(Path file) throws IOException {
        MultiDigest md = new MultiDigest(ALGORITHMS);
        try (var in = Files.newInputStream(file)) {
            md.consume(in);
        }
        return new FileDigest(file.getFileName().toString(), md.bytes(), md.hex(MD5), md.hex(SHA512));
    }

    /**
     * Digests the named files of {@code dir} and writes both lists into it (replacing them).
     *
     * @return the digests, sorted by file name
     */
    public static List<FileDigest> write(Path dir, Collection<String> fileNames) throws IOException {
        TreeSet<String> sorted = new TreeSet<>();
        for (String name : fileNames) {
            sorted.add(checkName(name));
        }
        List<FileDigest> digests = new ArrayList<>();
        for (String name : sorted) {
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new IOException("not a regular file: " + file);
            }
            digests.add(digest(file));
        }
        StringBuilder md5 = new StringBuilder();
        StringBuilder sha = new StringBuilder();
        for (FileDigest d : digests) {
            md5.append(d.md5()).append("  ").append(d.fileName()).append('\n');
            sha.append(d.sha512()).append("  ").append(d.fileName()).append('\n');
        }
        writeAtomically(dir.resolve(MD5_LIST), md5.toString());
        writeAtomically(dir.resolve(SHA512_LIST), sha.toString());
        return digests;
    }

    /** {@link #write} for every regular file in {@code dir} except the two lists themselves. */
    public static List<FileDigest> writeAll(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(n -> !n.equals(MD5_LIST) && !n.equals(SHA512_LIST))
                    .filter(n -> !n.startsWith("."))
                    .forEach(names::add);
        }
        return write(dir, names);
    }

    /**
     * Re-reads every file named in either list (once, computing both digests) and reports what does
     * not match. An empty result means both lists exist, agree on the file set, and are right.
     */
    public static List<ChecksumMismatch> verify(Path dir) throws IOException {
        List<ChecksumMismatch> problems = new ArrayList<>();
        Map<String, String> md5 = readList(dir, MD5_LIST, problems);
        Map<String, String> sha = readList(dir, SHA512_LIST, problems);
        boolean bothLists = md5 != null && sha != null;
        md5 = md5 == null ? Map.of() : md5;
        sha = sha == null ? Map.of() : sha;

        TreeSet<String> all = new TreeSet<>(md5.keySet());
        all.addAll(sha.keySet());
        for (String name : all) {
            if (bothLists && md5.containsKey(name) != sha.containsKey(name)) {
                String missingFrom = md5.containsKey(name) ? SHA512_LIST : MD5_LIST;
                problems.add(new ChecksumMismatch(missingFrom, name, ChecksumMismatch.Kind.NOT_IN_BOTH_LISTS,
                        null, null));
            }
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file)) {
                if (md5.containsKey(name)) {
                    problems.add(new ChecksumMismatch(MD5_LIST, name, ChecksumMismatch.Kind.FILE_MISSING,
                            md5.get(name), null));
                }
                if (sha.containsKey(name)) {
                    problems.add(new ChecksumMismatch(SHA512_LIST, name, ChecksumMismatch.Kind.FILE_MISSING,
                            sha.get(name), null));
                }
                continue;
            }
            FileDigest d = digest(file);
            compare(MD5_LIST, name, md5.get(name), d.md5(), problems);
            compare(SHA512_LIST, name, sha.get(name), d.sha512(), problems);
        }
        return problems;
    }

    private static void compare(String list, String name, String expected, String actual,
                                List<ChecksumMismatch> problems) {
        if (expected != null && !expected.equalsIgnoreCase(actual)) {
            problems.add(new ChecksumMismatch(list, name, ChecksumMismatch.Kind.DIGEST_DIFFERS, expected, actual));
        }
    }

    /** name -> expected hex, or null when the list file is absent. */
    private static Map<String, String> readList(Path dir, String list, List<ChecksumMismatch> problems)
            throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Path file = dir.resolve(list);
        if (!Files.isRegularFile(file)) {
            problems.add(new ChecksumMismatch(list, list, ChecksumMismatch.Kind.LIST_MISSING, null, null));
            return null;
        }
        int hexLength = list.equals(MD5_LIST) ? 32 : 128;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (!m.matches() || m.group(1).length() != hexLength) {
                problems.add(new ChecksumMismatch(list, line, ChecksumMismatch.Kind.MALFORMED_LINE, null, null));
                continue;
            }
            out.put(m.group(3), m.group(1).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    /**
     * Only bare names that coreutils writes without escaping: a '\\' or newline makes it prefix the
     * line with '\\' and escape the name, which we do not produce.
     */
    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.contains("\\")
                || name.contains("\n") || name.contains("\r") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
        if (name.equals(MD5_LIST) || name.equals(SHA512_LIST)) {
            throw new IllegalArgumentException("a checksum list cannot list itself: " + name);
        }
        return name;
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        // Write beside the target and rename, so a reader never sees a half-written list.
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            // Temp files are created 0600; published lists must be world-readable like the templates.
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
