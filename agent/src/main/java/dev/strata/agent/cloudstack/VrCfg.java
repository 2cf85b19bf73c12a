package dev.strata.agent.cloudstack;

import java.util.ArrayList;
import java.util.List;

/**
 * The aggregated router configuration {@code VR-<uuid>.cfg} that the host writes at the end of
 * a router start (AggregationControlCommand Finish): {@code <version>}, then {@code <file>}
 * blocks (path line, content lines) and {@code <script>} blocks (one command line), in queue
 * order. CloudStack's vr_cfg.sh echoes file lines unquoted, which collapses whitespace inside
 * JSON strings; here the content is kept as it came (lines joined by a new line).
 */
public final class VrCfg {

    /** One block: a file (path and content) or a script (its command line). */
    public sealed interface Item permits FileItem, ScriptItem {
        int line();
    }

    public record FileItem(int line, String path, String content) implements Item {
    }

    public record ScriptItem(int line, String command) implements Item {
    }

    private VrCfg() {
    }

    public static List<Item> parse(String name, String text) {
        List<Item> items = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = strip(lines[i]);
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            switch (l) {
                case "<version>" -> {
                    int end = find(lines, i + 1, "</version>", name, i);
                    i = end;
                }
                case "<file>" -> {
                    int start = i + 1;
                    int end = find(lines, start, "</file>", name, i);
                    if (end == start) {
                        throw new BagException(name + ":" + (i + 1) + ": <file> without a path");
                    }
                    String path = strip(lines[start]);
                    StringBuilder b = new StringBuilder();
                    for (int k = start + 1; k < end; k++) {
                        if (b.length() > 0) {
                            b.append('\n');
                        }
                        b.append(lines[k]);
                    }
                    items.add(new FileItem(start + 1, path, b.toString()));
                    i = end;
                }
                case "<script>" -> {
                    int end = find(lines, i + 1, "</script>", name, i);
                    if (end != i + 2) {
                        throw new BagException(name + ":" + (i + 1) + ": a <script> block holds exactly one command line");
                    }
                    items.add(new ScriptItem(i + 2, strip(lines[i + 1])));
                    i = end;
                }
                default -> throw new BagException(name + ":" + (i + 1) + ": unexpected line \"" + shorten(l)
                        + "\" (expected <version>, <file> or <script>)");
            }
        }
        return items;
    }

    private static int find(String[] lines, int from, String end, String name, int open) {
        for (int k = from; k < lines.length; k++) {
            if (strip(lines[k]).equals(end)) {
                return k;
            }
        }
        throw new BagException(name + ":" + (open + 1) + ": " + strip(lines[open]) + " without " + end);
    }

    private static String strip(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1).strip() : s.strip();
    }

    static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
}
