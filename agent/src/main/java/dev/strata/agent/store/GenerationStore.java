package dev.strata.agent.store;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
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
 *
 * <p>Memory: a generation of 10,000 rules is about 0.8 MB of JSON and several MB as objects, on
 * a heap of a few tens of MB. So the journal streams every file (never a byte array of a whole
 * generation), and the history is an index of headers kept in memory, read at open from the
 * first fields of each file: listing it reads no configuration at all.
 */
public final class GenerationStore {

    private static final Pattern NAME = Pattern.compile("gen-(\\d{12})\\.json");

    /** What the history lists of a generation: everything but its configuration. */
    public record Entry(long generation, Instant createdAt, String operation) {
    }

    private final Path dir;
    private final int keep;
    private final ObjectMapper mapper = Json.shared();
    /** Headers of the stored generations, oldest first; guarded by this. */
    private final List<Entry> index = new ArrayList<>();

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
        for (long n : numbers()) {
            header(n).ifPresent(index::add);
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

    /** Stored generations without their configurations, oldest first. */
    public synchronized List<Entry> history() {
        return List.copyOf(index);
    }

    /** Make a generation durable; when this returns, it survives a crash. */
    public void commit(Generation g) {
        prepare(g).publish();
    }

    /**
     * The slow half of a commit: the generation written to a temporary file and fsync'ed. It
     * becomes part of the journal only with {@link Prepared#publish()} (a rename), so it can be
     * written while the kernel is still being programmed and thrown away if the kernel refuses.
     *
     * @throws UncheckedIOException when it cannot be written (disk full, read-only): nothing is left behind
     */
    public Prepared prepare(Generation g) {
        Path target = file(g.generation());
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            try (JsonGenerator gen = mapper.getFactory().createGenerator(out)) {
                gen.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
                mapper.writeValue(gen, g);
            }
            out.flush();
            ch.force(true);
        } catch (IOException e) {
            delete(tmp);
            throw new UncheckedIOException("cannot store generation " + g.generation() + " in " + dir + ": " + e.getMessage(), e);
        }
        return new Prepared(g, tmp, target);
    }

    /** A generation written whole beside the journal, not yet in it. */
    public final class Prepared {
        private final Generation generation;
        private final Path tmp;
        private final Path target;

        private Prepared(Generation generation, Path tmp, Path target) {
            this.generation = generation;
            this.tmp = tmp;
            this.target = target;
        }

        /** Renames it into the journal and syncs the folder: from here on it survives a crash. */
        public void publish() {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDir();
            } catch (IOException e) {
                delete(tmp);
                throw new UncheckedIOException("cannot store generation " + generation.generation() + " in " + dir + ": "
                        + e.getMessage(), e);
            }
            synchronized (GenerationStore.this) {
                index.removeIf(h -> h.generation() >= generation.generation());
                index.add(new Entry(generation.generation(), generation.createdAt(), generation.operation()));
            }
            prune();
        }

        /** Throws it away: the transaction it belonged to was not accepted. */
        public void discard() {
            delete(tmp);
        }
    }

    /** The first fields of a stored generation, without reading its configuration. */
    private Optional<Entry> header(long n) {
        Path f = file(n);
        try (JsonParser p = mapper.getFactory().createParser(f.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            Long number = null;
            Instant created = null;
            String operation = null;
            while (p.nextToken() == JsonToken.FIELD_NAME && (number == null || created == null || operation == null)) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "generation" -> number = p.getLongValue();
                    case "createdAt" -> created = Instant.parse(p.getText());
                    case "operation" -> operation = p.getText();
                    default -> p.skipChildren();
                }
            }
            return number != null && number == n && created != null && operation != null
                    ? Optional.of(new Entry(number, created, operation)) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            System.err.println("strata-agent: ignoring unreadable " + f + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private void prune() {
        List<Long> numbers = numbers();
        for (int i = 0; i < numbers.size() - keep; i++) {
            long n = numbers.get(i);
            try {
                Files.deleteIfExists(file(n));
                synchronized (this) {
                    index.removeIf(h -> h.generation() == n);
                }
            } catch (IOException e) {
                System.err.println("strata-agent: cannot prune " + file(n) + ": " + e.getMessage());
            }
        }
    }

    private void syncDir() throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void delete(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the open() of the next start removes it
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
