package dev.strata.cli;

import dev.strata.builder.profile.Output;
import dev.strata.builder.profile.Profile;
import dev.strata.builder.profile.ProfileException;
import dev.strata.builder.profile.ProfileLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(usageHelpWidth = 100, name = "profile", mixinStandardHelpOptions = true,
        description = {"Check a profile and show what it would build.", "",
            "Resolves 'extends:', validates every key and value, and prints file:line:column for errors."})
final class ProfileCommand implements Callable<Integer> {

    @Parameters(paramLabel = "NAME|FILE", defaultValue = "debian", description = "Profile (default: ${DEFAULT-VALUE}).")
    String profile;

    @Override
    public Integer call() {
        try {
            Path file = ProfileLocator.locate(profile);
            Profile p = new ProfileLoader().load(file);
            System.out.println(p.name() + " " + p.version() + ": " + p.description());
            System.out.println("  from         " + p.source());
            System.out.println("  distribution " + p.distribution().name() + " " + p.distribution().suite() + " "
                    + p.distribution().architecture() + " (" + p.distribution().variant() + ")");
            System.out.println("  packages     " + p.packages().size() + " + kernel " + p.kernel().packageName());
            System.out.println("  root image   " + p.rootImage().filesystem().id() + " " + p.rootImage().compression());
            System.out.println("  outputs:");
            for (Output o : p.outputs()) {
                System.out.println("    " + o.fileName(p.version(), p.distribution().cloudstackArch()));
            }
            return 0;
        } catch (ProfileException | IllegalArgumentException e) {
            System.err.println("strata profile: " + e.getMessage());
            return 2;
        }
    }
}
