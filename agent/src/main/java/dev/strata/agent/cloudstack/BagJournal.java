package dev.strata.agent.cloudstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;

/**
 * The CloudStack bags' own journal: every merged bag in one file ({@code bags.json} in the
 * agent's state folder), written to a temporary file, fsync'ed and renamed only once the agent
 * took the configuration made from it, so the bags and the router never disagree across a
 * crash (one file from the host = one transaction of both). A copy of each bag is also written
 * where CloudStack keeps them ({@code /etc/cloudstack/<key>.json}, sorted keys, indent 2, as
 * merge.py), for tools that read them (checkrouter.sh, health checks); those copies are
 * informative, the journal is the truth.
 */
public final class BagJournal {

    private static final ObjectMapper SORTED = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).enable(SerializationFeature.INDENT_OUTPUT).build();

    private static final java.util.concurrent.ExecutorService MIRROR = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cloudstack-bag-copies");
        t.setDaemon(true);
        return t;
    });

    private final Path file;
    private final Path mirror;

    public BagJournal(Path stateDir, Path mirror) {
        this.file = stateDir.resolve("cloudstack").resolve("bags.json");
        this.mirror = mirror;
    }

    public ObjectNode load(ObjectMapper mapper) throws IOException {
        if (!Files.exists(file)) {
            return mapper.createObjectNode();
        }
        JsonNode n = mapper.readTree(file.toFile());
        return n instanceof ObjectNode o ? o : mapper.createObjectNode();
    }

    /** Writes {@code bags} to a temporary file (fsync'ed): {@link Pending#commit()} makes it the journal. */
    public Pending prepare(ObjectMapper mapper, ObjectNode bags, ObjectNode previous) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("bags.json.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(mapper.writeValueAsBytes(bags)));
            ch.force(true);
        }
        return new Pending(tmp, bags, previous);
    }

    /** A prepared journal: commit (rename) once the agent took the change, or discard. */
    public final class Pending {
        private final Path tmp;
        private final ObjectNode bags;
        private final ObjectNode previous;

        private Pending(Path tmp, ObjectNode bags, ObjectNode previous) {
            this.tmp = tmp;
            this.bags = bags;
            this.previous = previous;
        }

        public void commit() throws IOException {
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // some filesystems cannot fsync a folder; the rename is still atomic
            }
            // The copies are informative (the journal is the truth): written after the answer.
            MIRROR.execute(() -> writeMirror(bags, previous));
        }

        public void discard() {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // left for the next prepare to overwrite
            }
        }
    }

    /** The copies of the bags that changed (all of them the first time). */
    private void writeMirror(ObjectNode bags, ObjectNode previous) {
        if (mirror == null) {
            return;
        }
        try {
            Files.createDirectories(mirror);
            for (Iterator<Map.Entry<String, JsonNode>> it = bags.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                Path out = mirror.resolve(e.getKey() + ".json");
                if (e.getValue().equals(previous.get(e.getKey())) && Files.exists(out)) {
                    continue;
                }
                Path tmp = mirror.resolve("." + e.getKey() + ".json.tmp");
                Files.write(tmp, SORTED.writeValueAsBytes(SORTED.treeToValue(e.getValue(), Object.class)));
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            System.err.println("strata-agent: could not write the CloudStack bag copies in " + mirror + ": " + e.getMessage());
        }
    }
}
