package dev.strata.agent;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap back to the system after a large change. Replacing 10,000 rules briefly needs
 * two configurations and two rulesets at once (about twice the 6 MB they take at rest); the
 * serial collector keeps the heap it grew to until a full collection shrinks it. On a 256 MB
 * VM that memory belongs to dnsmasq, haproxy and the rest, so a moment after a large change
 * (when no further change has come) the agent runs one full collection (15-20 ms for 10,000
 * rules), and the JVM's options (MaxHeapFreeRatio, -ShrinkHeapInSteps) return what it frees.
 * Small changes (one rule) never trigger it: they allocate little and must stay fast.
 */
final class HeapReturn {

    /** A change that adds or removes at least this many items counts as large. */
    static final int LARGE_CHANGE = 1000;
    private static final long DELAY_MS = 1000;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-return");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pending;

    /** A change of {@code items} added and removed items was just accepted. */
    synchronized void changed(int items) {
        if (items < LARGE_CHANGE) {
            return;
        }
        if (pending != null) {
            pending.cancel(false); // a newer large change: collect once, after it
        }
        pending = timer.schedule(HeapReturn::collect, DELAY_MS, TimeUnit.MILLISECONDS);
    }

    @SuppressWarnings("java:S1215") // an explicit collection is the point: the serial collector shrinks the heap only at a full one
    private static void collect() {
        System.gc();
    }
}
