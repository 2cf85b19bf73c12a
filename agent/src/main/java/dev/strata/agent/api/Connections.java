package dev.strata.agent.api;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Serves the connections of one door ({@link UnixSocketServer}, {@link TlsServer}) within
 * {@link ApiLimits}: a thread per connection, at most {@code connections} of them; every phase
 * (handshake, head, body, answer) under a deadline, past which a watchdog aborts the connection
 * (a blocked read fails at once); at most {@code workers} requests other than the health check
 * read their body and run at a time. When every slot is taken, a new connection displaces the
 * oldest one still sending its request, so idle or slow clients can delay others only until
 * their time is up, and never keep a new client (a health check) from being read.
 *
 * <p>Why threads and not a selector: requests are short and run one at a time anyway (the
 * router service is serialised); a blocking thread per connection with a watchdog is a few dozen
 * lines, where non-blocking TLS would mean driving an SSLEngine by hand. Java 17 has no virtual
 * threads; an idle connection's thread commits about 110 KB (NMT), so 32 of them cost ~3.5 MB
 * while they last, and a thread ends 5 s after its connection.
 */
final class Connections implements AutoCloseable {

    /** Answers one parsed request (the API, or a test's stand-in). */
    @FunctionalInterface
    interface Handler {
        ApiHandler.Reply handle(ApiHandler.HttpRequest request);
    }

    private final String name;
    private final boolean handshake;
    private final Handler handler;
    private final ApiLimits limits;
    private final Semaphore slots;
    private final Semaphore workers;
    private final ThreadPoolExecutor threads;
    private final java.util.concurrent.ScheduledThreadPoolExecutor watchdog;
    /** Connections still sending their request, oldest first: the ones a newcomer may displace. */
    private final Set<Conn> reading = new LinkedHashSet<>();

    /** @param handshake whether {@link Conn#open()} negotiates (TLS), which gets its own time before the head's */
    Connections(String name, boolean handshake, Handler handler, ApiLimits limits) {
        this.name = name;
        this.handshake = handshake;
        this.handler = handler;
        this.limits = limits;
        this.slots = new Semaphore(limits.connections());
        this.workers = new Semaphore(limits.workers());
        AtomicInteger n = new AtomicInteger();
        // Bounded by the slots, not by the pool: a displaced connection's thread may take a moment to end.
        this.threads = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.watchdog = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, name + "-deadlines");
            t.setDaemon(true);
            return t;
        });
        watchdog.setRemoveOnCancelPolicy(true); // a deadline met is forgotten at once, not kept until it would have struck
    }

    /** Called by the door's accept loop for every new connection. */
    void admit(Conn c) {
        try {
            if (!slots.tryAcquire()) {
                displaceOldest();
                if (!slots.tryAcquire(500, TimeUnit.MILLISECONDS)) {
                    c.refuse(HttpWire.replyBytes(HttpWire.error(503, "the agent is serving " + limits.connections()
                            + " connections; try again")));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.abort();
            return;
        }
        try {
            threads.execute(() -> {
                try {
                    serve(c);
                } finally {
                    slots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            slots.release();
            c.abort();
        }
    }

    private void displaceOldest() {
        Conn oldest;
        synchronized (reading) {
            Iterator<Conn> it = reading.iterator();
            if (!it.hasNext()) {
                return;
            }
            oldest = it.next();
            it.remove();
        }
        oldest.abort();
    }

    private void serve(Conn c) {
        synchronized (reading) {
            reading.add(c);
        }
        boolean permit = false;
        ScheduledFuture<?> guard = deadline(c, (handshake ? limits.handshakeMs() : 0) + limits.headMs());
        try {
            ApiHandler.Reply reply;
            try {
                c.open();
                HttpWire.Head head = HttpWire.readHead(c.in());
                guard.cancel(false);
                if (!head.isHealth()) {
                    permit = workers.tryAcquire(limits.workWaitMs(), TimeUnit.MILLISECONDS);
                    if (!permit) {
                        throw new HttpError(503, "the agent is busy with " + limits.workers()
                                + " other requests; try again");
                    }
                }
                guard = deadline(c, limits.bodyMs());
                byte[] body = HttpWire.readBody(c.in(), c.out(), head);
                guard.cancel(false);
                synchronized (reading) {
                    reading.remove(c);
                }
                reply = handler.handle(new ApiHandler.HttpRequest(head.method(), head.path(), head.query(), body));
            } catch (HttpError e) {
                guard.cancel(false);
                reply = HttpWire.error(e.status, e.getMessage());
            } catch (OutOfMemoryError e) {
                guard.cancel(false);
                reply = ApiHandler.outOfMemory(); // the body alone did not fit: nothing was read into the model
            } finally {
                if (permit) {
                    workers.release();
                }
            }
            synchronized (reading) {
                reading.remove(c);
            }
            guard = deadline(c, limits.writeMs());
            HttpWire.write(c.out(), reply);
            guard.cancel(false);
            c.close();
        } catch (IOException e) {
            // the client went away, or its time was up: nothing to answer
            c.abort();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            c.abort();
        } finally {
            guard.cancel(false);
            synchronized (reading) {
                reading.remove(c);
            }
        }
    }

    private ScheduledFuture<?> deadline(Conn c, long ms) {
        return watchdog.schedule(c::abort, ms, TimeUnit.MILLISECONDS);
    }

    /** Connections being served now (for tests and diagnostics). */
    int busy() {
        return limits.connections() - slots.availablePermits();
    }

    @Override
    public void close() {
        threads.shutdownNow();
        watchdog.shutdownNow();
        synchronized (reading) {
            reading.forEach(Conn::abort);
            reading.clear();
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
