package dev.strata.agent;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Gives the heap back to the system after a large change. Replacing 10,000 rules briefly needs
 * two configurations and two rulesets at once (about twice the 6 MB they take at rest), and
 * the heap may grow freely for that (the JVM's default free ratios: fewer collections, a
 * faster change). The serial collector keeps the heap it grew to until a full collection
 * shrinks it; on a 256 MB VM that memory belongs to dnsmasq, haproxy and the rest. So a moment
 * after a large change (when no further change has come) the agent runs one full collection
 * (15-20 ms for 10,000 rules) with the heap's free ratios lowered for that collection only:
 * the heap shrinks to what is live plus a tenth, then grows as freely as before when the next
 * change needs it. What triggers it is the heap having grown (by {@link #GROWTH}) since it was
 * last given back, so a dry run or a generation read back counts as well as a change; small
 * changes (one rule) allocate little and leave it alone. Measured with 10,000 rules: 70 MB
 * resident after the change, 60 MB at rest.
 */
public final class HeapReturn {

    /** The heap grew by this much since it was last given back: worth a collection. */
    static final long GROWTH = 4L * 1024 * 1024;
    private static final long DELAY_MS = 1000;
    /** Committed heap right after the last return (at start: what the JVM began with). */
    private volatile long baseline = Runtime.getRuntime().totalMemory();

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "heap-return");
        t.setDaemon(true);
        return t;
    });
    private ScheduledFuture<?> pending;

    /**
     * A request was just answered: if the heap grew for it (a large change, a dry run with its
     * whole script, a generation read back), give it back a moment later, once for a burst.
     */
    public synchronized void afterRequest() {
        if (Runtime.getRuntime().totalMemory() < baseline + GROWTH) {
            return;
        }
        if (pending != null) {
            pending.cancel(false); // a newer request: collect once, after the last
        }
        pending = timer.schedule(this::collect, DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Free heap kept after the collection that gives memory back, in percent of the heap. */
    private static final String REST_MIN_FREE = "0";
    private static final String REST_MAX_FREE = "10";

    @SuppressWarnings("java:S1215") // an explicit collection is the point: the serial collector shrinks the heap only at a full one
    private void collect() {
        HotSpotDiagnosticMXBean vm;
        try {
            vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        } catch (RuntimeException | LinkageError e) {
            System.gc(); // a runtime without jdk.management: a plain collection returns what the options allow
            baseline = Runtime.getRuntime().totalMemory();
            return;
        }
        String min = vm.getVMOption("MinHeapFreeRatio").getValue();
        String max = vm.getVMOption("MaxHeapFreeRatio").getValue();
        try {
            // Lower the minimum before the maximum (and raise the maximum first when restoring):
            // the JVM refuses a minimum above the maximum.
            vm.setVMOption("MinHeapFreeRatio", REST_MIN_FREE);
            vm.setVMOption("MaxHeapFreeRatio", REST_MAX_FREE);
        } catch (RuntimeException e) {
            System.err.println("strata-agent: heap free ratios not lowered: " + e.getMessage());
        }
        try {
            System.gc();
        } finally {
            restore(vm, min, max);
            baseline = Runtime.getRuntime().totalMemory();
        }
    }

    private static void restore(HotSpotDiagnosticMXBean vm, String min, String max) {
        try {
            vm.setVMOption("MaxHeapFreeRatio", max);
            vm.setVMOption("MinHeapFreeRatio", min);
        } catch (RuntimeException e) {
            System.err.println("strata-agent: heap free ratios not restored: " + e.getMessage());
        }
    }
}
