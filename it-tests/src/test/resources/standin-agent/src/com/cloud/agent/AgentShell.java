package com.cloud.agent;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Stand-in for CloudStack's com.cloud.agent.AgentShell (Strata's tests; not CloudStack code).
 * Does what AgentShell does on start, as far as a template can see it: loads agent.properties
 * and environment.properties from the class path (./conf), overrides them with the key=value
 * arguments (_run.sh passes the boot configuration), connects to the first of host= at port=
 * and announces itself in one line. Then it serves the test's management side: "mount SRC"
 * mounts secondary storage the way the SSVM's resource does (NFS when SRC is nfs://host/path,
 * else a bind mount standing in for it) and answers with what it sees there; "ping" answers
 * "pong". It reconnects every 5 s when the connection drops, as the real agent does.
 */
public final class AgentShell {

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        load(p, "agent.properties");
        load(p, "environment.properties");
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq > 0) {
                p.setProperty(a.substring(0, eq), a.substring(eq + 1));
            }
        }
        String host = p.getProperty("host", "localhost").split(",")[0];
        int port = Integer.parseInt(p.getProperty("port", "8250"));
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), 5000);
                PrintWriter out = new PrintWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8), true);
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                out.println("STANDIN-AGENT-STARTED " + announce(p));
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.equals("ping")) {
                        out.println("pong");
                    } else if (line.startsWith("mount ")) {
                        out.println(mount(line.substring(6).trim(), p));
                    } else {
                        out.println("unknown command");
                    }
                }
            } catch (IOException e) {
                System.err.println("stand-in agent: " + host + ":" + port + ": " + e.getMessage() + "; retrying in 5 s");
            }
            Thread.sleep(5000);
        }
    }

    private static String announce(Properties p) {
        TreeMap<String, String> shown = new TreeMap<>();
        for (String k : List.of("type", "name", "zone", "pod", "guid", "resource", "instance", "host", "port",
                "eth1ip", "eth2ip", "vncport", "paths.script", "keystore.passphrase")) {
            if (p.getProperty(k) != null) {
                shown.put(k, k.equals("keystore.passphrase") ? "set" : p.getProperty(k));
            }
        }
        shown.put("java.version", System.getProperty("java.version"));
        try {
            shown.put("version", new String(java.nio.file.Files.readAllBytes(new File("VERSION").toPath()),
                    StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            shown.put("version", "none");
        }
        shown.put("cwd", new File("").getAbsolutePath());
        StringBuilder s = new StringBuilder();
        shown.forEach((k, v) -> s.append(k).append('=').append(v).append(' '));
        return s.toString().trim();
    }

    private static String mount(String source, Properties p) throws Exception {
        String parent = System.getenv().getOrDefault("STANDIN_MOUNT_PARENT", "/mnt/SecStorage");
        File target = new File(parent, Integer.toHexString(source.hashCode()));
        target.mkdirs();
        String kind;
        int rc;
        if (source.startsWith("nfs://")) {
            String rest = source.substring(6);
            int slash = rest.indexOf('/');
            String nfs = rest.substring(0, slash) + ":" + rest.substring(slash);
            kind = "nfs";
            rc = run(List.of("mount", "-t", "nfs", "-o", "nolock", nfs, target.getPath()));
        } else {
            kind = "bind";
            rc = run(List.of("mount", "--bind", source, target.getPath()));
        }
        if (rc != 0) {
            return "MOUNT-FAILED " + kind + " " + source + " rc=" + rc;
        }
        String[] names = target.list();
        List<String> sorted = new ArrayList<>(names == null ? List.of() : List.of(names));
        java.util.Collections.sort(sorted);
        return "MOUNTED " + kind + " " + target.getPath() + " " + String.join(",", sorted);
    }

    private static int run(List<String> cmd) throws Exception {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        pr.getInputStream().transferTo(System.err);
        return pr.waitFor();
    }

    private static void load(Properties p, String name) throws IOException {
        InputStream found = AgentShell.class.getClassLoader().getResourceAsStream(name);
        if (found == null) {
            File f = new File("conf", name);
            if (!f.isFile()) {
                return;
            }
            found = new FileInputStream(f);
        }
        try (InputStream in = found) {
            p.load(in);
        }
    }
}
