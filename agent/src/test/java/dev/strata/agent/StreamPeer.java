package dev.strata.agent;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Both ends of one long-lived TCP connection, run in namespaces by {@link AgentUpgradeTrafficTest}:
 * {@code server PORT} echoes lines; {@code client HOST PORT SECONDS INTERVAL_MS} sends a numbered
 * line every interval over ONE connection and checks each echo, then prints
 * {@code sent=N echoed=M errors=E max_rtt_ms=R}. An error is a timeout, a wrong echo or a reset.
 */
public final class StreamPeer {

    private StreamPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("server")) {
            try (ServerSocket ss = new ServerSocket()) {
                ss.setReuseAddress(true);
                ss.bind(new InetSocketAddress(Integer.parseInt(args[1])));
                System.out.println("ready");
                System.out.flush();
                while (true) {
                    Socket s = ss.accept();
                    Thread t = new Thread(() -> echo(s));
                    t.setDaemon(true);
                    t.start();
                }
            }
        }
        client(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    }

    private static void echo(Socket s) {
        try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
            }
        } catch (Exception e) {
            // the client went away
        }
    }

    private static void client(String host, int port, int seconds, int intervalMs) throws Exception {
        long sent = 0;
        long echoed = 0;
        long errors = 0;
        long maxRtt = 0;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(3000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8);
            System.out.println("connected");
            System.out.flush();
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                long t0 = System.nanoTime();
                out.println("n" + sent);
                sent++;
                try {
                    String back = in.readLine();
                    if (back == null) {
                        errors++;
                        break;
                    }
                    if (back.equals("n" + (sent - 1))) {
                        echoed++;
                    } else {
                        errors++;
                    }
                } catch (SocketTimeoutException e) {
                    errors++;
                }
                maxRtt = Math.max(maxRtt, (System.nanoTime() - t0) / 1_000_000);
                Thread.sleep(intervalMs);
            }
        } catch (Exception e) {
            errors++;
            System.out.println("error " + e);
        }
        System.out.println("sent=" + sent + " echoed=" + echoed + " errors=" + errors + " max_rtt_ms=" + maxRtt);
    }
}
