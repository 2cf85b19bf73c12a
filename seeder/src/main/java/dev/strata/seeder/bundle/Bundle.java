package dev.strata.seeder.bundle;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A read bundle: the folder, its {@code [default] version} and its templates.
 *
 * @param dir       folder holding metadata.ini and the files
 * @param version   {@code [default] version}, e.g. {@code 4.22.0.0}: written as {@code minreq.sysvmtemplate.version}
 * @param templates one per hypervisor section, in file order
 */
public record Bundle(Path dir, String version, List<BundledTemplate> templates) {

    public Bundle {
        templates = List.copyOf(templates);
    }

    /** The template for a hypervisor and architecture, as the server looks it up. */
    public Optional<BundledTemplate> find(SystemVmHypervisor hypervisor, String arch) {
        return templates.stream().filter(t -> t.hypervisor() == hypervisor && t.arch().equals(arch)).findFirst();
    }
}
