package dev.strata.agent.api;

/**
 * How much the API's two doors let a client take, and for how long. A client that is slow or
 * silent loses its connection when its time is up; one that would need a slot when all are taken
 * displaces the oldest connection still sending its request, so new clients (a health check
 * above all) always get read.
 *
 * @param connections  connections served at once, per door (each has a thread while it lasts)
 * @param workers      requests other than {@code GET /v1/health} read and answered at once; a
 *                     request's body is read under this limit too, so at most this many bodies
 *                     (up to 16 MB each) are in memory
 * @param handshakeMs  the TLS handshake, from accept
 * @param headMs       the request line and headers, from accept (after the handshake on TLS)
 * @param bodyMs       the body, once the headers are in
 * @param workWaitMs   how long a request waits for a worker before it is answered 503
 * @param writeMs      the answer, to a client that does not read it
 */
record ApiLimits(int connections, int workers, long handshakeMs, long headMs, long bodyMs, long workWaitMs, long writeMs) {

    static final ApiLimits DEFAULT = new ApiLimits(32, 4, 5_000, 10_000, 30_000, 30_000, 30_000);
}
