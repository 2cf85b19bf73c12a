package dev.strata.agent.cloudstack;

/**
 * A CloudStack file that cannot be taken: the message names the file and the JSON path of the
 * field (the management server shows the script's output to the operator). Nothing was changed.
 */
public final class BagException extends RuntimeException {

    public BagException(String message) {
        super(message);
    }
}
