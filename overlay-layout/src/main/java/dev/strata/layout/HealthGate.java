package dev.strata.layout;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The health gate's record: {@code last-check} in the router folder, written (by rename) by the
 * root image's {@code strata-layer-check} after every check: {@code result=good|rolled-back|
 * unchecked}, the version checked, the version now active, and the reason.
 */
public final class HealthGate {

    public static final String RECORD = "last-check";

    /** One verdict of the gate. */
    public record Verdict(String result, String checked, String active, String reason) {
        public boolean healthy() {
            return result.equals("good");
        }
    }

    private HealthGate() {
    }

    public static Verdict read(Path routerDir) {
        Path f = routerDir.resolve(RECORD);
        if (!Files.exists(f)) {
            return new Verdict("unchecked", "", "", "no health check has run (" + f + " is missing)");
        }
        Properties p = new Properties();
        try {
            p.load(new StringReader(Files.readString(f, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Verdict(p.getProperty("result", "unchecked"), p.getProperty("checked", ""),
                p.getProperty("active", ""), p.getProperty("reason", ""));
    }
}
