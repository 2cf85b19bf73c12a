package dev.strata.layout;

/** A layer operation was refused; nothing was changed. The message says why and what to do. */
public class LayerException extends RuntimeException {

    public LayerException(String message) {
        super(message);
    }

    public LayerException(String message, Throwable cause) {
        super(message, cause);
    }
}
