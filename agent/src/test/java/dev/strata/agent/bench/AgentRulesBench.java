package dev.strata.agent.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.agent.AgentJvm;
import dev.strata.agent.Json;
import dev.strata.agent.UnixHttp;
import dev.strata.agent.model.AclRule;
import dev.strata.agent.model.AclTier;
import dev.strata.agent.model.FirewallRule;
import dev.strata.agent.model.Interface;
import dev.strata.agent.model.PortForward;
import dev.strata.agent.model.RouterConfig;
import dev.strata.agent.plane.Commands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Benchmark, not a test (run by bench/agent-rules.sh, as root): the agent in a namespace of its
 * own with the VR's memory settings, 10,000 rules (firewall openings, port forwards and ACL CIDRs)
 * through the API, one-rule changes among them, and the same rules one process per rule with
 * {@code nft add rule} and {@code iptables}, side by side.
 */
public final class AgentRulesBench {

    static final ObjectMapper JSON = Json.compact();

    public static void main(String[] args) throws Exception {
        int firewall = Integer.getInteger("bench.firewall", 4000);
        int forwards = Integer.getInteger("bench.forwards", 3000);
        int aclCidrs = Integer.getInteger("bench.aclCidrs", 3000);
        int perProcess = Integer.getInteger("bench.perProcess", 10_000);
        // What the layer's launcher runs (agent.jvm.options), unless told otherwise.
        String jvmOpts = System.getProperty("bench.jvm", AgentJvm.argument());
        // -Dbench.cpu=0: the agent, nft, ip and the per-process baselines all on one CPU, as in a one-vCPU VM.
        String cpu = System.getProperty("bench.cpu", "");
        List<String> pin = cpu.isEmpty() ? List.of() : List.of("taskset", "-c", cpu);
        String classpath = System.getProperty("bench.classpath", System.getProperty("java.class.path"));
        int total = firewall + forwards + aclCidrs;
        String ns = "sa-bench" + ProcessHandle.current().pid() + "-r";
        Path work = Files.createTempDirectory("sa-bench");
        Process agent = null;
        try {
            sh("ip", "netns", "add", ns);
            sh("ip", "-n", ns, "link", "set", "lo", "up");
            for (String dev : new String[] {"sa-pub", "sa-g1", "sa-g2"}) {
                sh("ip", "-n", ns, "link", "add", dev, "type", "veth", "peer", "name", dev + "p");
            }
            Path socket = work.resolve("run/agent.sock");
            List<String> cmd = new ArrayList<>(pin);
            cmd.addAll(List.of("ip", "netns", "exec", ns, Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            cmd.addAll(Arrays.asList(jvmOpts.trim().split("\\s+")));
            cmd.addAll(List.of("-cp", classpath, "dev.strata.agent.Main", "--socket", socket.toString(),
                    "--state-dir", work.resolve("state").toString()));
            long t0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder(cmd);
            // glibc gives every thread that mallocs an arena of its own; two are plenty for the agent.
            pb.environment().put("MALLOC_ARENA_MAX", System.getProperty("bench.mallocArenas", "2"));
            agent = pb.redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
            UnixHttp http = new UnixHttp(socket, Duration.ofSeconds(300));
            waitHealthy(http, socket, agent);
            double startMs = ms(t0);
            Thread.sleep(1000);
            long rssRest = rssKb(agent.pid());

            RouterConfig config = config(firewall, forwards, aclCidrs);
            String body = JSON.writeValueAsString(config);
            long a0 = System.nanoTime();
            UnixHttp.Reply r = http.send("PUT", "/v1/config", body);
            double applyMs = ms(a0);
            check(r);
            String applySteps = JSON.readTree(r.body()).path("timingsMs").toString();
            long loaded = countElements(ns);
            // A second, entirely different 10,000 (a warm agent, every element replaced), then back.
            String other = JSON.writeValueAsString(config(firewall, forwards, aclCidrs, 1));
            long b0 = System.nanoTime();
            UnixHttp.Reply rb = http.send("PUT", "/v1/config", other);
            double warmMs = ms(b0);
            check(rb);
            String warmSteps = JSON.readTree(rb.body()).path("timingsMs").toString();
            check(http.send("PUT", "/v1/config", body));

            // One rule more, one rule less, with 10,000 present: element updates in one transaction.
            List<String> laps = new ArrayList<>();
            List<Double> add = new ArrayList<>();
            List<Double> remove = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String one = "[{\"publicIp\":\"203.0.113.200\",\"protocol\":\"tcp\",\"ports\":\"" + (40000 + i) + "\"}]";
                long p0 = System.nanoTime();
                UnixHttp.Reply added = http.send("PATCH", "/v1/config/firewall", "{\"add\":" + one + "}");
                add.add(ms(p0));
                check(added);
                laps.add(JSON.readTree(added.body()).path("timingsMs").toString());
                long p1 = System.nanoTime();
                check(http.send("PATCH", "/v1/config/firewall", "{\"remove\":" + one + "}"));
                remove.add(ms(p1));
            }
            // Re-apply of the whole 10,000 with one rule changed: the table is replaced whole when its shape changes.
            long w0 = System.nanoTime();
            check(http.send("PUT", "/v1/config", body.replace("\"ports\":\"1000\"", "\"ports\":\"999\"")));
            double wholeMs = ms(w0);
            // At rest: the agent gives the heap back a second after a large change, glibc's free memory every 2 s.
            Thread.sleep(Long.getLong("bench.settleMs", 3000));
            long rssLoaded = rssKb(agent.pid());
            long rssPeak = statusKb(agent.pid(), "VmHWM:");
            if (Boolean.getBoolean("bench.nmt")) {
                Process j = new ProcessBuilder("jcmd", Long.toString(agent.pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
                System.out.println(new String(j.getInputStream().readAllBytes()));
                Process pm = new ProcessBuilder("sh", "-c", "grep -E '^(Rss|Anonymous|Shared_Clean|Private_Clean)' /proc/" + agent.pid() + "/smaps_rollup").redirectErrorStream(true).start();
                System.out.println(new String(pm.getInputStream().readAllBytes()));
            }

            // Start-up with the 10,000 rules in the journal: the table is wiped first, as after a reboot.
            agent.destroyForcibly();
            agent.waitFor();
            sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "strata");
            long r0 = System.nanoTime();
            agent = pb.start();
            waitHealthy(http, socket, agent);
            double restartMs = ms(r0);
            agent.destroyForcibly();
            agent.waitFor();
            agent = null;

            Baseline nft = nftPerRule(pin, ns, perProcess);
            Baseline ipt = iptablesPerRule(pin, ns, perProcess);
            double nftFull = nft.extrapolate(total);
            double iptFull = ipt.extrapolate(total);

            System.out.println("Strata VR agent: " + total + " rules (" + firewall + " firewall openings, " + forwards
                    + " port forwards, " + aclCidrs + " ACL CIDRs in 30 rules), JVM " + jvmOpts + ", MALLOC_ARENA_MAX="
                    + System.getProperty("bench.mallocArenas", "2") + (cpu.isEmpty() ? ", not pinned" : ", everything on CPU " + cpu));
            System.out.printf("  start-up to healthy (empty state)          %9.0f ms%n", startMs);
            System.out.printf("  start-up to healthy with %d rules to re-apply %6.0f ms%n", total, restartMs);
            System.out.printf("  RSS at rest                                %9.1f MB%n", rssRest / 1024.0);
            System.out.printf("  apply %d rules, request -> active        %9.0f ms   (%d set/map elements in the kernel)%n", total,
                    applyMs, loaded);
            System.out.println("    steps (ms): " + applySteps);
            System.out.printf("  apply another %d (warm agent, all rules new) %7.0f ms   steps (ms): %s%n", total, warmMs, warmSteps);
            System.out.printf("  add one rule with %d present (median)    %9.1f ms   (min %.1f, max %.1f)%n", total, median(add),
                    min(add), max(add));
            System.out.printf("  remove one rule with %d present (median) %9.1f ms   (min %.1f, max %.1f)%n", total, median(remove),
                    min(remove), max(remove));
            System.out.println("  steps of the last add (ms): " + laps.get(laps.size() - 1));
            System.out.printf("  re-apply all %d, one rule changed        %9.0f ms%n", total, wholeMs);
            System.out.printf("  RSS after %d rules, at rest              %9.1f MB   (peak while changing: %.1f MB)%n", total,
                    rssLoaded / 1024.0, rssPeak / 1024.0);
            System.out.println("One process per rule (CloudStack's way today), measured on " + perProcess + " rules:");
            System.out.printf("  nft add rule    %d rules in %8.0f ms (first 100: %.1f ms/rule, last 100: %.1f ms/rule)%n",
                    perProcess, nft.totalMs, nft.firstPerRule, nft.lastPerRule);
            System.out.printf("  iptables -A     %d rules in %8.0f ms (first 100: %.1f ms/rule, last 100: %.1f ms/rule)%n",
                    perProcess, ipt.totalMs, ipt.firstPerRule, ipt.lastPerRule);
            String how = perProcess >= total ? "measured" : "extrapolated linearly from " + perProcess
                    + " (a lower bound: the per-rule cost grows with the rules present)";
            System.out.printf("  %d rules: nft %8.0f ms, iptables %8.0f ms (%s)%n", total, nftFull, iptFull, how);
            System.out.printf("Ratios for %d rules: agent (first apply, cold) is %.0fx faster than nft-per-rule, %.0fx than"
                    + " iptables-per-rule; warm: %.0fx and %.0fx%n", total, nftFull / applyMs, iptFull / applyMs, nftFull / warmMs,
                    iptFull / warmMs);
        } finally {
            if (agent != null) {
                agent.destroyForcibly();
                agent.waitFor();
            }
            Commands.run(List.of("ip", "netns", "del", ns), null, Duration.ofSeconds(30));
            Commands.run(List.of("rm", "-rf", "--", work.toString()), null, Duration.ofSeconds(30));
        }
    }

    /** 20 public IPs with firewall openings, forwards on other public IPs, two VPC tiers with 15 ACL rules each. */
    public static RouterConfig config(int firewall, int forwards, int aclCidrs) {
        return config(firewall, forwards, aclCidrs, 0);
    }

    /** {@code variant} shifts every port and ACL address: variant 1 shares no rule with variant 0. */
    public static RouterConfig config(int firewall, int forwards, int aclCidrs, int variant) {
        List<Interface> ifs = List.of(new Interface("sa-pub", "public", null, List.of("203.0.113.2/24")),
                new Interface("sa-g1", "guest", null, List.of("10.1.0.1/16")),
                new Interface("sa-g2", "guest", null, List.of("10.2.0.1/16")));
        List<FirewallRule> fw = new ArrayList<>();
        for (int i = 0; i < firewall; i++) {
            String pub = "203.0.113." + (10 + i % 20);
            int port = 1000 + i / 20 + variant * 5000;
            String src = "198." + (18 + (i / 256) % 2) + "." + (i % 256) + ".0/24";
            fw.add(new FirewallRule(pub, i % 3 == 0 ? "udp" : "tcp", Integer.toString(port), null, null, List.of(src)));
        }
        List<PortForward> pf = new ArrayList<>();
        for (int i = 0; i < forwards; i++) {
            String pub = "203.0.113." + (100 + i % 50);
            int port = 20000 + i / 50 + variant * 5000;
            pf.add(new PortForward(pub, "tcp", Integer.toString(port), "10.1." + (i / 250) + "." + (1 + i % 250), "22", null, null));
        }
        List<AclTier> tiers = new ArrayList<>();
        int perRule = Math.max(1, aclCidrs / 30);
        int n = 0;
        for (int t = 0; t < 2; t++) {
            List<AclRule> rules = new ArrayList<>();
            for (int r = 0; r < 15; r++) {
                List<String> cidrs = new ArrayList<>();
                for (int c = 0; c < perRule; c++, n++) {
                    cidrs.add("100." + (64 + variant * 32 + n / 65536 % 32) + "." + (n / 256 % 256) + "." + (n % 256) + "/32");
                }
                rules.add(new AclRule(10 * (r + 1), r % 2 == 0 ? "ingress" : "egress", r % 3 == 0 ? "deny" : "allow",
                        "tcp", Integer.toString(80 + r), null, null, cidrs));
            }
            tiers.add(new AclTier("tier" + t, "sa-g" + (t + 1), rules, null, null));
        }
        return new RouterConfig(ifs, null, null, fw, null, pf, null, null, tiers, null);
    }

    /** One process per rule: what the per-rule cost looks like early and late. */
    record Baseline(double totalMs, double firstPerRule, double lastPerRule, int rules) {
        double extrapolate(int n) {
            return totalMs / rules * n;
        }
    }

    static Baseline nftPerRule(List<String> pin, String ns, int rules) {
        sh("ip", "netns", "exec", ns, "nft", "add", "table", "inet", "percall");
        sh("ip", "netns", "exec", ns, "nft", "add", "chain", "inet", "percall", "fw",
                "{ type filter hook prerouting priority -150; policy accept; }");
        return perRule(rules, i -> pinned(pin, "ip", "netns", "exec", ns, "nft", "add", "rule", "inet", "percall", "fw",
                "ip", "daddr", "203.0.113." + (10 + i % 20), "tcp", "dport", Integer.toString(1000 + i / 20),
                "ip", "saddr", "198.18." + (i % 256) + ".0/24", "counter", "accept"), () ->
                sh("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "percall"));
    }

    static Baseline iptablesPerRule(List<String> pin, String ns, int rules) {
        sh("ip", "netns", "exec", ns, "iptables", "-N", "PERCALL");
        return perRule(rules, i -> pinned(pin, "ip", "netns", "exec", ns, "iptables", "-A", "PERCALL",
                "-d", "203.0.113." + (10 + i % 20), "-p", "tcp", "--dport", Integer.toString(1000 + i / 20),
                "-s", "198.18." + (i % 256) + ".0/24", "-j", "ACCEPT"), () -> {
                    sh("ip", "netns", "exec", ns, "iptables", "-F", "PERCALL");
                    sh("ip", "netns", "exec", ns, "iptables", "-X", "PERCALL");
                });
    }

    static Baseline perRule(int rules, java.util.function.IntFunction<List<String>> command, Runnable cleanup) {
        long t0 = System.nanoTime();
        long firstEnd = 0;
        long lastStart = 0;
        for (int i = 0; i < rules; i++) {
            if (i == rules - 100) {
                lastStart = System.nanoTime();
            }
            Commands.Result r = Commands.run(command.apply(i), null, Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new IllegalStateException(r.command() + ": " + r.why());
            }
            if (i == 99) {
                firstEnd = System.nanoTime();
            }
        }
        long end = System.nanoTime();
        cleanup.run();
        return new Baseline((end - t0) / 1e6, (firstEnd - t0) / 1e6 / 100, (end - lastStart) / 1e6 / 100, rules);
    }

    static long countElements(String ns) throws IOException {
        Commands.Result r = Commands.run(List.of("ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet", "strata"), null,
                Duration.ofSeconds(60));
        long n = 0;
        for (JsonNode item : JSON.readTree(r.stdout()).path("nftables")) {
            JsonNode s = item.has("set") ? item.get("set") : item.get("map");
            if (s != null) {
                n += s.path("elem").size();
            }
        }
        return n;
    }

    static void waitHealthy(UnixHttp http, Path socket, Process agent) throws Exception {
        for (int i = 0; i < 6000; i++) {
            if (!agent.isAlive()) {
                throw new IllegalStateException("agent exited");
            }
            if (Files.exists(socket)) {
                try {
                    if (http.get("/v1/health").status() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("agent not healthy");
    }

    static List<String> pinned(List<String> pin, String... cmd) {
        List<String> out = new ArrayList<>(pin);
        out.addAll(List.of(cmd));
        return out;
    }

    static long rssKb(long pid) throws IOException {
        return statusKb(pid, "VmRSS:");
    }

    static long statusKb(long pid, String field) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (l.startsWith(field)) {
                return Long.parseLong(l.replaceAll("\\D", ""));
            }
        }
        return -1;
    }

    static void check(UnixHttp.Reply r) {
        if (r.status() != 200) {
            throw new IllegalStateException("agent answered " + r.status() + ": " + r.body());
        }
    }

    static void sh(String... cmd) {
        Commands.Result r = Commands.run(List.of(cmd), null, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", cmd) + ": " + r.why());
        }
    }

    static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    static double median(List<Double> l) {
        List<Double> s = l.stream().sorted().toList();
        return s.get(s.size() / 2);
    }

    static double min(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    static double max(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
