package dev.strata.agent.plane;

/** The kernel (nft or ip) refused a change; the previous state is still in place. */
public final class ApplyException extends RuntimeException {
    public ApplyException(String message) {
        super(message);
    }
}
