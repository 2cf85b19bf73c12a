package dev.strata.builder.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fails when a program run somewhere in the reactor's sources (main and test) is not declared in
 * {@link HostTools}. It reads the ways this code base starts a program: {@code Command.of("x"...)},
 * {@code new ProcessBuilder("x"...)}, the test helpers {@code Sh.run/in}, {@code Proc.run/ok},
 * {@code run("x"...)}, {@code Commands.run(List.of("x"...))} and {@code List<String> cmd =
 * List.of("x", ...)} (for the variable names cmd, command, args, argv, install, mkfs). A new idiom needs a pattern here; the test also insists that the patterns
 * still find the programs known to be run (so a refactoring cannot make it pass by finding nothing).
 */
class HostToolsSourceScanTest {

    // A program name: a literal that does not start with "-" (that is an option).
    private static final String LIT = "\"([^\"\\s-][^\"\\s]*)\"";
    private static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("Command\\.of\\(\\s*(?:List\\.of\\(\\s*)?" + LIT),
            Pattern.compile("new ProcessBuilder\\(\\s*(?:List\\.of\\(\\s*)?" + LIT),
            Pattern.compile("(?<![\\w.])(?:Sh\\.|Proc\\.|Commands\\.)?(?:run|tryRun|sh|ok|available)\\(\\s*(?:List\\.of\\(\\s*)?" + LIT),
            // a systemctl(List.of("systemctl", ...)) helper; systemctl("start", unit) passes verbs, not programs
            Pattern.compile("(?<![\\w.])systemctl\\(\\s*List\\.of\\(\\s*" + LIT),
            Pattern.compile("(?<![\\w.])(?:Sh\\.|Proc\\.)?(?:in|tryIn|run|ok|pinned)\\(\\s*[\\w.()]+\\s*,\\s*" + LIT),
            Pattern.compile("List<String>\\s+(?:cmd|command|args|argv|install|mkfs)\\s*=\\s*(?:new ArrayList<>\\(\\s*)?List\\.of\\(\\s*" + LIT),
            Pattern.compile("\\?\\s*List\\.of\\(\\)\\s*:\\s*List\\.of\\(\\s*" + LIT),
            // the program after "ip netns exec NS"
            Pattern.compile("\"netns\",\\s*\"exec\",\\s*[\\w.()]+\\s*,\\s*" + LIT));

    /** Found by the patterns but not host programs Strata needs declared, each with the reason. */
    private static final Map<String, String> NOT_HOST_TOOLS = Map.of(
            "apt-get", "the installer itself: HostTools.canInstall() checks for it",
            "apt-cache", "HostToolsTest asks apt about the declared packages (skipped without apt)",
            "dpkg-query", "HostToolsTest asks dpkg who ships each tool (skipped without dpkg)",
            "systemd-run", "the agent's layer API runs it inside the system VM only",
            "strata-no-such-program-xyz", "CommandRunnerTest's deliberately missing program",
            "seed", "SeedMojo's argument list for the strata CLI's seed command (a subcommand, not a program)");

    record Use(String program, String where) {
    }

    static Path reactorRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("host-setup"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("reactor root above " + Path.of("").toAbsolutePath()).isNotNull();
        return dir;
    }

    static List<Use> scan(Path root) throws IOException {
        List<Use> uses = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/"))
                    .filter(p -> !p.toString().contains("/target"))
                    .filter(p -> !p.getFileName().toString().equals("HostToolsSourceScanTest.java")).toList()) {
                String text = Files.readString(f);
                for (Pattern p : PATTERNS) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                        uses.add(new Use(m.group(1), root.relativize(f) + ":" + line));
                    }
                }
            }
        }
        return uses;
    }

    static boolean declared(String program) {
        Set<String> commands = new TreeSet<>();
        HostTools.BY_STAGE.values().forEach(g -> g.forEach(t -> commands.add(t.command())));
        String name = program.startsWith("/") ? Path.of(program).getFileName().toString() : program;
        return commands.contains(program) || commands.contains(name);
    }

    @Test
    void everyProgramRunInTheSourcesIsDeclared() throws IOException {
        List<Use> uses = scan(reactorRoot());
        Set<String> found = new TreeSet<>();
        uses.forEach(u -> found.add(u.program()));
        assertThat(found).as("the patterns still see the programs known to be run")
                .contains("depmod", "mmdebstrap", "qemu-img", "nft", "ip", "openssl", "mariadbd", "mariadb-install-db",
                        "mksquashfs", "sfdisk", "qemu-system-x86_64", "mount", "iptables", "taskset", "sysctl", "ping");
        List<String> undeclared = uses.stream()
                .filter(u -> !declared(u.program()) && !NOT_HOST_TOOLS.containsKey(u.program()))
                .map(u -> u.program() + " (" + u.where() + ")").toList();
        assertThat(undeclared).as("programs run in the sources but not declared in HostTools").isEmpty();
    }

    @Test
    void theExceptionsAreStillNeeded() throws IOException {
        Set<String> found = new TreeSet<>();
        scan(reactorRoot()).forEach(u -> found.add(u.program()));
        assertThat(found).as("drop an exception that no source uses any more").containsAll(NOT_HOST_TOOLS.keySet());
    }
}
