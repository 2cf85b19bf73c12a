package dev.strata.agent.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** One client connection as {@link Connections} serves it, whatever the door. */
interface Conn {

    /** Makes the connection ready to read (the TLS handshake); within the head's time. */
    void open() throws IOException;

    InputStream in() throws IOException;

    OutputStream out() throws IOException;

    /** Ends the connection now, from any thread: a read or write blocked on it fails at once. */
    void abort();

    /** Ends the connection after a complete answer. */
    void close();

    /** Sends a short refusal to a connection that gets no slot (where the door can; TLS cannot before its handshake). */
    void refuse(byte[] reply);
}
