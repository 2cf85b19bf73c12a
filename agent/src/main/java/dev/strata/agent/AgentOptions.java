package dev.strata.agent;

import dev.strata.agent.api.ApiServer;
import java.nio.file.Path;

/** Command-line options of the agent; see {@link #USAGE}. */
public record AgentOptions(Path socket, Path stateDir, ApiServer.Tls tls, String nft, String ip, int keepGenerations,
                           Path routerDir, Path trustedKeys, Path rootRelease, Path cloudStackDir, String supervisor, String dnsmasq) {

    static final String USAGE = """
            usage: java -cp 'agent.jar:lib/*' dev.strata.agent.Main [options]
              --socket PATH          Unix socket of the API, root only (default /run/strata/agent.sock)
              --state-dir DIR        journal of generations (default /data/agent)
              --tcp-port N           also serve the API on TCP with mutual TLS (needs the three below)
              --tcp-host ADDR        address to bind for TCP (default: the control address, from --boot-config)
              --boot-config FILE     CloudStack's boot configuration (default /var/cache/cloud/cmdline)
              --tls-cert FILE        the agent's certificate chain (PEM)
              --tls-key FILE         its private key (PEM, PKCS#8)
              --tls-client-ca FILE   CA certificate(s) whose client certificates are accepted (PEM)
              --nft PROGRAM          nft to run (default nft)
              --ip PROGRAM           ip to run (default ip)
              --keep-generations N   history kept for rollback (default 100)
              --router-dir DIR       the /router layers (default /data/router), for /v1/layers
              --trusted-keys DIR     public keys a layer must be signed by (default /etc/strata/trusted-keys)
              --root-release FILE    the root image's release file (default /etc/strata/release)
              --cloudstack-dir DIR   where copies of CloudStack's merged bags go (default /etc/cloudstack)
              --supervisor KIND      systemd (default: daemons are units of the layer) or process (daemons
                                     are the agent's children in its network namespace: tests, development)
              --dnsmasq PROGRAM      dnsmasq to run (default /usr/sbin/dnsmasq)
            """;

    public static AgentOptions parse(String... args) {
        Path socket = Path.of("/run/strata/agent.sock");
        Path state = Path.of("/data/agent");
        Integer port = null;
        String host = null;
        Path bootConfig = ControlAddress.BOOT_CONFIG;
        Path cert = null;
        Path key = null;
        Path ca = null;
        String nft = "nft";
        String ip = "ip";
        int keep = 100;
        Path routerDir = Path.of("/data/router");
        Path trustedKeys = Path.of("/etc/strata/trusted-keys");
        Path rootRelease = Path.of("/etc/strata/release");
        Path cloudStackDir = Path.of("/etc/cloudstack");
        String supervisor = "systemd";
        String dnsmasq = "/usr/sbin/dnsmasq";
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                throw new IllegalArgumentException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + a + " needs a value\n" + USAGE);
            }
            String v = args[++i];
            switch (a) {
                case "--socket" -> socket = Path.of(v);
                case "--state-dir" -> state = Path.of(v);
                case "--tcp-port" -> port = intValue(a, v, 0, 65535);
                case "--tcp-host" -> host = address(a, v);
                case "--boot-config" -> bootConfig = Path.of(v);
                case "--tls-cert" -> cert = Path.of(v);
                case "--tls-key" -> key = Path.of(v);
                case "--tls-client-ca" -> ca = Path.of(v);
                case "--nft" -> nft = v;
                case "--ip" -> ip = v;
                case "--keep-generations" -> keep = intValue(a, v, 1, 100000);
                case "--router-dir" -> routerDir = Path.of(v);
                case "--trusted-keys" -> trustedKeys = Path.of(v);
                case "--root-release" -> rootRelease = Path.of(v);
                case "--cloudstack-dir" -> cloudStackDir = Path.of(v);
                case "--supervisor" -> {
                    if (!v.equals("systemd") && !v.equals("process")) {
                        throw new IllegalArgumentException("--supervisor " + v + ": expected systemd or process");
                    }
                    supervisor = v;
                }
                case "--dnsmasq" -> dnsmasq = v;
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        ApiServer.Tls tls = null;
        if (port != null) {
            if (cert == null || key == null || ca == null) {
                throw new IllegalArgumentException("--tcp-port needs --tls-cert, --tls-key and --tls-client-ca: the TCP API is mutual TLS only");
            }
            if (host == null) {
                // Never every address by default: the TCP API belongs on the control network.
                Path from = bootConfig;
                host = ControlAddress.fromBootConfig(from).orElseThrow(() -> new IllegalArgumentException(
                        "--tcp-port without --tcp-host: the TCP API listens on the control address, and " + from
                                + " names none (no type= with its eth<N>ip); give --tcp-host ADDR"));
            }
            tls = new ApiServer.Tls(port, host, cert, key, ca);
        }
        return new AgentOptions(socket, state, tls, nft, ip, keep, routerDir, trustedKeys, rootRelease, cloudStackDir, supervisor, dnsmasq);
    }

    /** An IP literal (never a name to resolve); 0.0.0.0 or :: only when asked for. */
    private static String address(String option, String v) {
        return dev.strata.agent.model.Net.ip(v).map(dev.strata.agent.model.Net::text).orElseThrow(() ->
                new IllegalArgumentException(option + " " + v + ": expected an IPv4 or IPv6 address"));
    }

    private static int intValue(String option, String v, int min, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(option + " " + v + ": expected a number " + min + "-" + max);
    }
}
