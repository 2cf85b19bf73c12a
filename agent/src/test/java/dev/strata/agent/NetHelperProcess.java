package dev.strata.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A {@link NetHelper} running in a namespace: servers started, probes sent over its stdin. */
final class NetHelperProcess implements AutoCloseable {

    private final Process process;
    private final PrintWriter toHelper;
    private final BufferedReader fromHelper;

    NetHelperProcess(String ns, String... listeners) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns,
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), NetHelper.class.getName()));
        cmd.addAll(List.of(listeners));
        process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        toHelper = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        fromHelper = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String first = fromHelper.readLine();
        if (!"ready".equals(first)) {
            throw new IllegalStateException("net helper in " + ns + " said: " + first);
        }
    }

    String probe(String command) throws IOException {
        toHelper.println(command);
        String answer = fromHelper.readLine();
        while (answer != null && answer.startsWith("error tcp server")) {
            answer = fromHelper.readLine();
        }
        return answer;
    }

    String tcp(String host, int port) throws IOException {
        return probe("tcp " + host + " " + port);
    }

    String tcpFrom(String source, String host, int port) throws IOException {
        return probe("tcp " + host + " " + port + " " + source);
    }

    String udp(String host, int port) throws IOException {
        return probe("udp " + host + " " + port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
