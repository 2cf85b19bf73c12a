package dev.strata.agent.services.password;

import dev.strata.agent.service.AtomicFiles;
import dev.strata.agent.service.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One-shot guest passwords: runtime state, never in a generation, so a rollback can never bring
 * a used password back. Kept in {@code <runtime>/passwords} (0600, replaced whole on each
 * change) so that a restarted agent still has the ones not yet fetched.
 */
public final class PasswordStore {

    private final Path file;
    private final Map<String, Secret> byIp = new ConcurrentHashMap<>();

    public PasswordStore(Path runtimeDir) {
        this.file = runtimeDir.resolve("passwords");
        String text = AtomicFiles.read(file);
        if (text != null) {
            for (String line : text.split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0) {
                    byIp.put(line.substring(0, tab), new Secret(new String(Base64.getDecoder().decode(line.substring(tab + 1)),
                            StandardCharsets.UTF_8)));
                }
            }
        }
    }

    public Secret get(String ip) {
        return byIp.get(ip);
    }

    /** Saves many in one write (CloudStack sends a router's passwords together at its start). */
    public synchronized void saveAll(Map<String, Secret> passwords) {
        byIp.putAll(passwords);
        persist();
    }

    /** @return whether there was one */
    public synchronized boolean remove(String ip) {
        boolean had = byIp.remove(ip) != null;
        if (had) {
            persist();
        }
        return had;
    }

    /** The addresses that have a password waiting (values redacted by {@link Secret}). */
    public List<Map<String, Object>> list() {
        return new TreeMap<>(byIp).keySet().stream().map(ip -> Map.<String, Object>of("ip", ip, "password", byIp.get(ip)))
                .toList();
    }

    private void persist() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(byIp).forEach((ip, s) -> b.append(ip).append('\t')
                .append(Base64.getEncoder().encodeToString(s.reveal().getBytes(StandardCharsets.UTF_8))).append('\n'));
        AtomicFiles.write(file, b.toString(), "rw-------");
    }
}
