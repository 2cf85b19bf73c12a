package dev.strata.agent.cloudstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine's network interfaces by MAC address, from {@code <sys>/class/net/eth*}/address}.
 * CloudStack's own merge does the same lookup ({@code vif_mac_address} overrides
 * {@code nic_dev_id}, cs_ip.py): the host's device numbering can disagree with the guest's
 * after hot-plugging, the MAC cannot.
 */
public final class Nics {

    private final Path sysClassNet;

    public Nics(Path sysClassNet) {
        this.sysClassNet = sysClassNet;
    }

    public static Nics system() {
        return new Nics(Path.of("/sys/class/net"));
    }

    public Optional<String> byMac(String mac) {
        if (mac == null || mac.isBlank() || !Files.isDirectory(sysClassNet)) {
            return Optional.empty();
        }
        String want = mac.trim().toLowerCase(Locale.ROOT);
        try (Stream<Path> s = Files.list(sysClassNet)) {
            return s.filter(p -> p.getFileName().toString().startsWith("eth"))
                    .filter(p -> {
                        try {
                            return Files.readString(p.resolve("address")).trim().toLowerCase(Locale.ROOT).equals(want);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
