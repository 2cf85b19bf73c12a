package dev.strata.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Runs inside a test namespace (via {@code ip netns exec NS java ...}): listens on the TCP and
 * UDP ports given as arguments ("tcp:80", "udp:5000") answering "seen ADDRESS" with the peer's
 * address, and on stdin takes probes, printing one answer line each:
 * {@code tcp HOST PORT [SOURCE]} and {@code udp HOST PORT} print "ok seen ADDR", "refused" or
 * "timeout".
 */
public final class NetHelper {

    private NetHelper() {
    }

    public static void main(String[] args) throws Exception {
        for (String a : args) {
            String[] p = a.split(":");
            int port = Integer.parseInt(p[1]);
            Thread t = new Thread(p[0].equals("tcp") ? () -> tcpServer(port) : () -> udpServer(port));
            t.setDaemon(true);
            t.start();
        }
        Thread.sleep(200);
        System.out.println("ready");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] c = line.trim().split(" ");
            String answer;
            try {
                answer = switch (c[0]) {
                    case "tcp" -> tcp(c[1], Integer.parseInt(c[2]), c.length > 3 ? c[3] : null);
                    case "udp" -> udp(c[1], Integer.parseInt(c[2]));
                    default -> "error unknown probe " + c[0];
                };
            } catch (Exception e) {
                answer = "error " + e;
            }
            System.out.println(answer);
        }
    }

    private static String tcp(String host, int port, String source) throws IOException {
        try (Socket s = new Socket()) {
            if (source != null) {
                s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            }
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), 1500);
            s.setSoTimeout(2000);
            BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String l = r.readLine();
            return "ok " + l;
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (java.net.ConnectException e) {
            return e.getMessage() != null && e.getMessage().contains("timed out") ? "timeout" : "refused";
        } catch (java.net.NoRouteToHostException e) {
            return "unreachable";
        }
    }

    private static String udp(String host, int port) throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(1500);
            byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
            s.send(new DatagramPacket(hello, hello.length, InetAddress.getByName(host), port));
            byte[] buf = new byte[512];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            return "ok " + new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return "timeout";
        } catch (java.net.PortUnreachableException e) {
            return "refused";
        }
    }

    private static void tcpServer(int port) {
        try (ServerSocket ss = new ServerSocket()) {
            ss.setReuseAddress(true);
            ss.bind(new InetSocketAddress(port));
            while (true) {
                try (Socket s = ss.accept(); OutputStream o = s.getOutputStream()) {
                    o.write(("seen " + s.getInetAddress().getHostAddress() + " on " + port + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            System.out.println("error tcp server " + port + ": " + e);
        }
    }

    private static void udpServer(int port) {
        try (DatagramSocket s = new DatagramSocket(port)) {
            byte[] buf = new byte[512];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                s.receive(p);
                byte[] a = ("seen " + p.getAddress().getHostAddress() + " on " + port).getBytes(StandardCharsets.UTF_8);
                s.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
            }
        } catch (IOException e) {
            System.out.println("error udp server " + port + ": " + e);
        }
    }
}
