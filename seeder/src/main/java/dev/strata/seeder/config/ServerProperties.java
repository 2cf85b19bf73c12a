package dev.strata.seeder.config;

import dev.strata.seeder.SeedException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The one setting of the management server's {@code server.properties} the seeder follows:
 * {@code system.vm.templates.download.repository}, the operator's mirror of the system VM
 * templates. The server (SystemVmTemplateRegistration, 4.22) puts it in place of metadata.ini's
 * {@code downloadrepository} in every {@code downloadurl} before it registers a template, so the
 * seeder does the same and writes the same {@code vm_template.url}.
 */
public final class ServerProperties {

    public static final Path DEFAULT = Path.of("/etc/cloudstack/management/server.properties");
    public static final String DOWNLOAD_REPOSITORY_KEY = "system.vm.templates.download.repository";

    private ServerProperties() {
    }

    /**
     * The mirror prefix, stripped, or empty when the file is absent or the key is missing or blank
     * (the server then keeps the bundle's URLs). A file that exists but cannot be read is an error:
     * seeding on would write URLs the server would not.
     */
    public static Optional<String> downloadRepository(Path file) {
        if (file == null) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r); // java.util.Properties, the format the server reads it in
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (AccessDeniedException e) {
            throw new SeedException(SeedException.Kind.PERMISSION, "cannot read " + file + ": permission denied; run as root");
        } catch (IOException | IllegalArgumentException e) {
            throw new SeedException(SeedException.Kind.CONFIG, "cannot read " + file + ": " + e.getMessage(), e);
        }
        String value = p.getProperty(DOWNLOAD_REPOSITORY_KEY);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }
}
