package dev.strata.builder.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tells people what the build is doing: each stage's start, progress on long work, and its
 * time and output size; keeps a record of every stage for the machine-readable summary.
 */
public final class Reporter {

    /** What one stage did. */
    public record StageReport(String name, String description, long millis, long bytes, boolean cached,
                              Map<String, Object> details) {
    }

    private final PrintStream out;
    private final List<StageReport> stages = new ArrayList<>();
    private long lastProgressNanos;

    public Reporter(PrintStream out) {
        this.out = out;
    }

    public void info(String message) {
        out.println("       " + message);
        out.flush();
    }

    public void stageStarted(String name, String description) {
        out.printf(Locale.ROOT, "[%s] %s%n", name, description);
        out.flush();
    }

    /** Progress on long work, printed at most twice a second. */
    public void progress(String name, String message) {
        long now = System.nanoTime();
        if (now - lastProgressNanos < 500_000_000L) {
            return;
        }
        lastProgressNanos = now;
        out.printf(Locale.ROOT, "[%s]   %s%n", name, message);
        out.flush();
    }

    public void stageFinished(String name, String description, Duration took, long bytes, boolean cached,
                              Map<String, Object> details) {
        stages.add(new StageReport(name, description, took.toMillis(), bytes, cached, new LinkedHashMap<>(details)));
        out.printf(Locale.ROOT, "[%s] done in %s%s%s%n", name, seconds(took.toMillis()),
                bytes > 0 ? ", " + humanBytes(bytes) : "", cached ? " (cached)" : "");
        out.flush();
    }

    public List<StageReport> stages() {
        return List.copyOf(stages);
    }

    public static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    public static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }
}
