package dev.strata.agent;

import dev.strata.agent.model.Net;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The system VM's control address, where the TCP API listens by default (not every address:
 * the public side must never see it). CloudStack's boot configuration
 * ({@code /var/cache/cloud/cmdline}: one line of space-separated {@code key=value} pairs, the
 * last of a repeated key wins) has no {@code controlip} key; the control address is the
 * {@code eth<N>ip} of the control NIC, which is eth1 for {@code type=router} and
 * {@code dhcpsrvr} and eth0 for {@code vpcrouter}, {@code secstorage} and {@code consoleproxy}
 * (see /work/shared/reference/cloudstack-systemvm.md, "Boot configuration").
 */
public final class ControlAddress {

    public static final Path BOOT_CONFIG = Path.of("/var/cache/cloud/cmdline");

    private ControlAddress() {
    }

    /** The control address the boot configuration names, if it names one (0.0.0.0 is none). */
    public static Optional<String> fromBootConfig(Path cmdline) {
        String text;
        try {
            text = Files.readString(cmdline, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the boot configuration " + cmdline + ": " + e.getMessage(), e);
        }
        Map<String, String> keys = dev.strata.agent.cloudstack.CmdLine.parse(text); // issue 13's one parser
        String nic = switch (keys.getOrDefault("type", "")) {
            case "router", "dhcpsrvr" -> "eth1";
            case "vpcrouter", "secstorage", "consoleproxy" -> "eth0";
            default -> null;
        };
        if (nic == null) {
            return Optional.empty();
        }
        Optional<InetAddress> ip = Net.ip(keys.getOrDefault(nic + "ip", ""));
        return ip.filter(a -> !a.isAnyLocalAddress()).map(Net::text);
    }
}
