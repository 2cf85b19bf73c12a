package dev.strata.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.agent.plane.Commands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layer's /opt/cloud/bin fronts (the very files, from the profile) against a real agent in
 * a network namespace with eth0-eth2, as the host agent runs them over ssh: the boot
 * configuration, a router start as one aggregated cfg, one more rule by update_config.py, a
 * replay, refusals that change nothing and name the CloudStack field, the version answer, the
 * "null" argument, and the fronts' own cost per call.
 */
class CloudStackFrontsTest {

    static final Path BIN = Path.of("..", "debian-profile", "profiles", "files", "layer", "opt", "cloud", "bin").toAbsolutePath().normalize();

    @RegisterExtension
    final RouterNamespace router = new RouterNamespace();

    @TempDir
    Path tmp;

    private AgentProcess agent;
    private Path cache;

    private Commands.Result front(String script, String... args) {
        List<String> c = new ArrayList<>(List.of("env", "STRATA_AGENT_SOCKET=" + agent.socket, "STRATA_CLOUD_CACHE=" + cache,
                "STRATA_CLOUDSTACK_RELEASE=" + tmp.resolve("cloudstack-release"), BIN.resolve(script).toString()));
        c.addAll(Arrays.asList(args));
        return Commands.run(c, null, Duration.ofSeconds(120));
    }

    static String resource(String name) throws IOException {
        try (InputStream in = CloudStackFrontsTest.class.getResourceAsStream("/cloudstack/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private JsonNode config() throws IOException {
        return Json.shared().readTree(agent.http().get("/v1/config").body());
    }

    @Test
    void routerStartThroughTheFronts() throws Exception {
        String ns = router.create("eth0", "eth1", "eth2");
        Sh.in(ns, "ip", "link", "set", "eth2", "address", "1e:00:aa:00:00:02");
        agent = router.start(new AgentProcess(ns, tmp.resolve("agent"), "--cloudstack-dir", tmp.resolve("etc-cloudstack").toString()));
        cache = Files.createDirectories(tmp.resolve("cache"));

        // the boot configuration (postinit's update_config.py cmd_line.json)
        Files.writeString(cache.resolve("cmd_line.json"), resource("cmd_line.json"));
        Commands.Result r = front("update_config.py", "cmd_line.json");
        assertThat(r.exit()).as(r.stdout()).isZero();
        assertThat(r.stdout()).contains("cmd_line.json -> cmdline", "applied: generation 1");
        assertThat(Sh.in(ns, "ip", "-4", "addr", "show", "eth1")).contains("169.254.3.7/16");
        assertThat(cache.resolve("processed/cmd_line.json.gz")).exists();
        for (int i = 0; i < 50 && !Files.exists(tmp.resolve("etc-cloudstack/cmdline.json")); i++) {
            Thread.sleep(100); // the copies in CloudStack's place are written after the answer
        }
        assertThat(tmp.resolve("etc-cloudstack/cmdline.json")).exists();

        // the router start: one aggregated cfg, one transaction
        Path cfg = cache.resolve("VR-0b9c.cfg");
        Files.writeString(cfg, resource("router-start.cfg"));
        r = front("vr_cfg.sh", "-c", cfg.toString());
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("applied: generation 2", "stored, not applied yet (password server: issue 12): vmpassword",
                "configure.py monitor_service.json: nothing to do");
        assertThat(cfg).doesNotExist();
        assertThat(cache.resolve("processed/VR-0b9c.cfg")).exists();
        JsonNode c = config();
        assertThat(c.path("generation").asLong()).isEqualTo(2);
        assertThat(c.path("config").path("firewall")).hasSize(4);
        assertThat(c.path("config").path("portForwards")).hasSize(1);
        assertThat(c.path("config").path("staticNats")).hasSize(1);
        assertThat(Sh.in(ns, "ip", "-4", "addr", "show", "eth2")).contains("203.0.113.10/24", "203.0.113.11/24");
        assertThat(Sh.in(ns, "ip", "route", "show", "default")).contains("via 203.0.113.1 dev eth2");
        assertThat(Sh.in(ns, "nft", "list", "table", "inet", "strata")).contains("10.1.1.20");

        // one more firewall rule, then the same file again (replay)
        String one = "firewall_rules.json.5e1f";
        Files.writeString(cache.resolve(one), "{\"rules\":[{\"id\":15,\"src_ip\":\"203.0.113.10\",\"protocol\":\"udp\","
                + "\"src_port_range\":[53,53],\"revoked\":false,\"source_cidr_list\":[\"0.0.0.0/0\"],\"purpose\":\"Firewall\","
                + "\"traffic_type\":\"Ingress\"}],\"type\":\"firewallrules\",\"delete_from_processed_cache\":false}");
        r = front("update_config.py", one);
        assertThat(r.exit()).as(r.stdout()).isZero();
        assertThat(config().path("config").path("firewall")).hasSize(5);
        r = front("update_config.py", one);
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("already processed");

        // a bad rule: refused, named by its CloudStack place, nothing changed
        String bad = "firewall_rules.json.bad1";
        Files.writeString(cache.resolve(bad), "{\"rules\":[{\"id\":16,\"src_ip\":\"203.0.113.10\",\"protocol\":\"tcp\","
                + "\"src_port_range\":[70000,70000],\"revoked\":false}],\"type\":\"firewallrules\"}");
        r = front("update_config.py", bad, "false");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).contains("firewallrules[\"16\"]: firewall[", "ports = 70000", "nothing was changed");
        assertThat(config().path("generation").asLong()).isEqualTo(3);
        r = front("update_config.py", "no-such.json");
        assertThat(r.exit()).isEqualTo(1);
        r = front("update_config.py", "../etc/passwd");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).contains("is not a file name");

        // a cfg with a script Strata does not serve: CloudStack's stderr line, exit 1, nothing changed
        Path badCfg = cache.resolve("VR-bad.cfg");
        Files.writeString(badCfg, "#Apache CloudStack Virtual Router Config File\n<version>\n1.0\n</version>\n"
                + "<script>\n/opt/cloud/bin/ipassoc.sh -A -l 1.2.3.4\n</script>\n");
        r = front("vr_cfg.sh", "-c", badCfg.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stderr()).startsWith("VR config: execution failed: \"VR-bad.cfg:6:").contains("check /var/log/cloud.log in VR for details");
        assertThat(config().path("generation").asLong()).isEqualTo(3);

        // the version answer: exactly one '&', the signature of the tgz the host sent
        Files.writeString(tmp.resolve("cloudstack-release"), "Cloudstack Release 4.22.0 Tue Dec  1 00:00:00 UTC 2026\n");
        Files.writeString(cache.resolve("boot_up_done"), "done\n");
        Files.write(cache.resolve("cloud-scripts.tgz"), new byte[] {1, 2, 3});
        r = front("get_template_version.sh", "null");
        assertThat(r.exit()).isZero();
        assertThat(r.stdout().trim().split("&", -1)).hasSize(2);
        assertThat(r.stdout()).startsWith("Cloudstack Release 4.22.0 ").contains("&27864cc5219a951a7a6e52b8c8dddf6981d098da1658d96258c870b2c88dfbcb51841aea172a28bafa6a79731165584677066045c959ed0f9929688d04defc29");

        // the others: null and extra arguments tolerated, unimplemented ones say so in one line
        assertThat(front("getRouterAlerts.sh", "1970-01-01", "00:00:00").stdout()).isEqualTo("No Alerts\n");
        assertThat(front("getRouterMonitorResults.sh", "true").stdout()).contains("MONITOR RESULTS:\n{\"basic\":\n{}\n");
        assertThat(front("checkrouter.sh", "null").stdout()).isEqualTo("Status: UNKNOWN\n");
        assertThat(front("netusage.sh", "-c").exit()).isZero();
        assertThat(front("checkbatchs2svpn.sh", "198.51.100.7").stdout()).isEqualTo("198.51.100.7:1:Strata: site-to-site VPN is not implemented yet&");
        r = front("get_haproxy_stats.sh", "203.0.113.10", "80");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).isEqualTo("Strata: get_haproxy_stats.sh: load balancer statistics is not implemented yet (load balancer, later issue)\n");
        assertThat(front("configure.py", "monitor_service.json").exit()).isZero();

        // the fronts' own cost per call: a no-change update_config.py (agent work ~0) vs the agent alone
        long[] viaFront = new long[15];
        for (int i = 0; i < viaFront.length; i++) {
            Files.writeString(cache.resolve("fw.json." + i), "{\"rules\":[],\"type\":\"firewallrules\"}");
            long t0 = System.nanoTime();
            assertThat(front("update_config.py", "fw.json." + i, "false").exit()).isZero();
            viaFront[i] = System.nanoTime() - t0;
        }
        long[] direct = new long[15];
        for (int i = 0; i < direct.length; i++) {
            Files.writeString(cache.resolve("fwd.json." + i), "{\"rules\":[],\"type\":\"firewallrules\"}");
            long t0 = System.nanoTime();
            assertThat(agent.http().send("POST", "/v1/cloudstack/bag?name=fwd.json." + i + "&keep=false&cache=" + cache, "").status())
                    .isEqualTo(200);
            direct[i] = System.nanoTime() - t0;
        }
        Arrays.sort(viaFront);
        Arrays.sort(direct);
        System.out.printf("fronts: update_config.py no-change median %.1f ms, same request from the JVM %.1f ms, front overhead %.1f ms%n",
                viaFront[7] / 1e6, direct[7] / 1e6, (viaFront[7] - direct[7]) / 1e6);
    }
}
