package dev.strata.agent.api;

import java.io.IOException;

/** A request that cannot be read as HTTP: answered with its status, never reaching the API. */
final class HttpError extends IOException {
    final int status;

    HttpError(int status, String message) {
        super(message);
        this.status = status;
    }
}
