package dev.strata.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The root image's CloudStack early configuration ({@code cloudstack-early-config}) reading the
 * boot configuration from each hypervisor's channel, in the format each one writes: the KVM
 * host's file (through qemu-guest-agent), Xen PV args and HVM xenstore ({@code %} for spaces),
 * VMware's {@code vmtoolsd --cmd machine.id.get}, Hyper-V's binary KVP pool, and the
 * {@code /mnt/cmdline} override; then CloudStack's cmd_line.json, split on the first '='.
 * The real script from the profile, with its test overrides (a folder for /, stand-in programs).
 */
class CloudStackEarlyConfigIT {

    static final String ARGS = " template=domP name=r-4-VM eth0ip=10.1.1.1 eth0mask=255.255.255.0 eth1ip=169.254.3.7"
            + " eth1mask=255.255.0.0 type=router eth2ip=203.0.113.10 eth2mask=255.255.255.0 gateway=203.0.113.1"
            + " authorized_key=ZWNkc2Etc2hhMi1uaXN0cDI1NiBBQUFBRTJWalpITmg= dns1=192.0.2.53";

    @TempDir
    Path root;

    private String run(Map<String, String> env, String stdin, String... args) throws Exception {
        Path script = Path.of(System.getProperty("strata.profile.dir"), "files", "cloudstack-early-config");
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("STRATA_CS_ROOT", root.toString());
        pb.environment().put("STRATA_CS_WAIT", "1");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out + new String(p.getErrorStream().readAllBytes())).isZero();
        return out.strip();
    }

    private String channel(String hv, Map<String, String> env) throws Exception {
        Map<String, String> e = new java.util.HashMap<>(env);
        e.put("STRATA_CS_HYPERVISOR", hv);
        return run(e, null, "read-channel");
    }

    private Path program(String name, String body) throws Exception {
        Path p = Files.writeString(root.resolve(name), "#!/bin/sh\n" + body + "\n");
        p.toFile().setExecutable(true);
        return p;
    }

    @Test
    void kvmTheFileTheHostWroteThroughTheGuestAgent() throws Exception {
        Files.createDirectories(root.resolve("var/cache/cloud"));
        Files.writeString(root.resolve("var/cache/cloud/cmdline"), ARGS); // patch.sh: guest-file-write, no newline
        assertThat(channel("kvm", Map.of())).isEqualTo(ARGS.strip());
    }

    @Test
    void kvmWithoutTheHostsFileUsesThePreviousBootsOnlyAsAFallback() throws Exception {
        Files.createDirectories(root.resolve("var/cache/cloud"));
        Files.writeString(root.resolve("var/cache/cloud/cmdline.previous"), ARGS + "\n");
        assertThat(channel("kvm", Map.of())).isEqualTo(ARGS.strip());
    }

    @Test
    void xenPvArgsAndHvmXenstoreWithPercentForSpace() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        String pv = ARGS.strip().replace(' ', '%');
        Files.writeString(root.resolve("proc/cmdline"), "root=/dev/xvda2 ro console=hvc0%" + pv + "\n");
        assertThat(channel("xen-pv", Map.of())).endsWith(ARGS.strip()).contains("type=router ");
        Path xs = program("xenstore-read", "[ \"$1\" = vm-data/cloudstack/init ] || exit 1\nprintf '%s' '" + pv + "'");
        assertThat(channel("xen-hvm", Map.of("STRATA_CS_XENSTORE_READ", xs.toString()))).isEqualTo(ARGS.strip());
    }

    @Test
    void vmwareMachineIdWithNicMacs() throws Exception {
        String args = ARGS + " nic_macs=02:00:00:00:00:01|02:00:00:00:00:02|02:00:00:00:00:03";
        Path tools = program("vmtoolsd", "[ \"$1 $2\" = '--cmd machine.id.get' ] || exit 1\nprintf '%s\\n' '" + args + "'");
        assertThat(channel("vmware", Map.of("STRATA_CS_VMTOOLSD", tools.toString()))).isEqualTo(args.strip());
    }

    @Test
    void hypervKvpPoolRecordOnlyItsValue() throws Exception {
        ByteArrayOutputStream pool = new ByteArrayOutputStream();
        record(pool, "HostName", "hv-host-1");
        record(pool, "cloudstack-vm-userdata", ARGS);
        record(pool, "VirtualMachineName", "r-4-VM");
        Files.createDirectories(root.resolve("var/opt/hyperv"));
        Files.write(root.resolve("var/opt/hyperv/.kvp_pool_0"), pool.toByteArray());
        assertThat(channel("hyperv", Map.of())).isEqualTo(ARGS.strip());
    }

    /** A KVP record as hv_kvp_daemon keeps it: 512-byte key, 2048-byte value, NUL padded. */
    private static void record(ByteArrayOutputStream out, String key, String value) {
        byte[] k = Arrays.copyOf(key.getBytes(StandardCharsets.UTF_8), 512);
        byte[] v = Arrays.copyOf(value.getBytes(StandardCharsets.UTF_8), 2048);
        out.writeBytes(k);
        out.writeBytes(v);
    }

    @Test
    void mntCmdlineOverridesAndNoChannelIsNotACloudStackBoot() throws Exception {
        Files.createDirectories(root.resolve("mnt"));
        Files.writeString(root.resolve("mnt/cmdline"), ARGS);
        assertThat(channel("vmware", Map.of("STRATA_CS_VMTOOLSD", "/nonexistent"))).isEqualTo(ARGS.strip());
        Files.delete(root.resolve("mnt/cmdline"));
        Path script = Path.of(System.getProperty("strata.profile.dir"), "files", "cloudstack-early-config");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "read-channel", "kvm");
        pb.environment().put("STRATA_CS_ROOT", root.toString());
        pb.environment().put("STRATA_CS_WAIT", "1");
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(1);
    }

    @Test
    void cmdLineJsonSplitsOnTheFirstEqualsLastKeyWinsValuesStay() throws Exception {
        String json = run(Map.of(), ARGS + " userdata=H4sIAAAA== name=r-5-VM note=a\"b\\c", "cmd-line-json");
        JsonNode n = new ObjectMapper().readTree(json);
        assertThat(n.path("type").asText()).isEqualTo("cmdline");
        JsonNode c = n.path("cmd_line");
        assertThat(c.path("authorized_key").asText()).isEqualTo("ZWNkc2Etc2hhMi1uaXN0cDI1NiBBQUFBRTJWalpITmg=");
        assertThat(c.path("userdata").asText()).isEqualTo("H4sIAAAA==");
        assertThat(c.path("name").asText()).isEqualTo("r-5-VM");
        assertThat(c.path("note").asText()).isEqualTo("a\"b\\c");
        assertThat(c.path("type").asText()).isEqualTo("router");
    }
}
