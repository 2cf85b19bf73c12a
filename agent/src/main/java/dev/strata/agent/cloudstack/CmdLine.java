package dev.strata.agent.cloudstack;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudStack's boot configuration: one line of whitespace-separated {@code key=value} pairs
 * (the management server's boot args). Each pair is split on its <em>first</em> {@code =}:
 * CloudStack's shell parser ({@code cut -d= -f2}) cuts a value at its second {@code =}, losing
 * the base64 padding of {@code authorized_key}, {@code userdata} and {@code keystore_password};
 * that is a bug, not a contract. A key given twice keeps its last value (as in the shell).
 * Words without {@code =} are ignored.
 */
public final class CmdLine {

    private CmdLine() {
    }

    public static Map<String, String> parse(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String word : line.trim().split("\\s+")) {
            int eq = word.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String key = word.substring(0, eq);
            m.remove(key); // last one wins, and takes its place in the order
            m.put(key, word.substring(eq + 1));
        }
        return m;
    }

    /** {@code {"type":"cmdline","cmd_line":{...}}}: the file CloudStack's parser writes as cmd_line.json. */
    public static ObjectNode toBag(Map<String, String> pairs) {
        ObjectNode bag = JsonNodeFactory.instance.objectNode();
        bag.put("type", "cmdline");
        ObjectNode c = bag.putObject("cmd_line");
        pairs.forEach(c::put);
        return bag;
    }
}
