package dev.strata.agent.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Durable journal of generations: one JSON file per accepted transaction,
 * {@code gen-000000000042.json}, written to a temporary file, fsync'ed, renamed into place and
 * the folder fsync'ed. A file either exists whole or not at all, so the newest file is always
 * the last accepted generation, whatever moment a crash or power cut hits. Temporary files
 * left by a crash are ignored and removed on open. Old generations beyond {@code keep} are
 * pruned (history and rollback reach that far).
 */
public final class GenerationStore {

    private static final Pattern NAME = Pattern.compile("gen-(\\d{12})\\.json");

    private final Path dir;
    private final int keep;
    private final ObjectMapper mapper = Json.compact();

    public GenerationStore(Path dir, int keep) {
        this.dir = dir;
        this.keep = keep;
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            try (Stream<Path> s = Files.list(dir)) {
                for (Path tmp : s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList()) {
                    Files.deleteIfExists(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open state folder " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The newest stored generation, or {@link Generation#INITIAL} on a new router. */
    public Generation latest() {
        List<Long> numbers = numbers();
        for (int i = numbers.size() - 1; i >= 0; i--) {
            Optional<Generation> g = read(numbers.get(i));
            if (g.isPresent()) {
                return g.get();
            }
        }
        return Generation.INITIAL;
    }

    public Optional<Generation> read(long generation) {
        if (generation == 0) {
            return Optional.of(Generation.INITIAL);
        }
        Path f = file(generation);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(f.toFile(), Generation.class));
        } catch (IOException e) {
            // Only a damaged disk can produce this (files appear by rename, whole): skip it, say so.
            System.err.println("strata-agent: ignoring unreadable " + f + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Stored generations, oldest first. */
    public List<Generation> history() {
        List<Generation> out = new ArrayList<>();
        for (long n : numbers()) {
            read(n).ifPresent(out::add);
        }
        return out;
    }

    /** Make a generation durable; when this returns, it survives a crash. */
    public void commit(Generation g) {
        Path target = file(g.generation());
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            byte[] bytes = mapper.writeValueAsBytes(g);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the open() of the next start removes it
            }
            throw new UncheckedIOException("cannot store generation " + g.generation() + " in " + dir + ": " + e.getMessage(), e);
        }
        prune();
    }

    private void prune() {
        List<Long> numbers = numbers();
        for (int i = 0; i < numbers.size() - keep; i++) {
            try {
                Files.deleteIfExists(file(numbers.get(i)));
            } catch (IOException e) {
                System.err.println("strata-agent: cannot prune " + file(numbers.get(i)) + ": " + e.getMessage());
            }
        }
    }

    private void syncDir() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private List<Long> numbers() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> NAME.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path file(long generation) {
        return dir.resolve(String.format("gen-%012d.json", generation));
    }
}
