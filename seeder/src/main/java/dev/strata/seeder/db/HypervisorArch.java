package dev.strata.seeder.db;

import dev.strata.seeder.bundle.SystemVmHypervisor;

/** A (hypervisor, architecture) pair in use by at least one cluster. */
public record HypervisorArch(SystemVmHypervisor hypervisor, String arch) {

    @Override
    public String toString() {
        return hypervisor.databaseName() + "/" + arch;
    }
}
