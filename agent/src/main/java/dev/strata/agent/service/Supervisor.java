package dev.strata.agent.service;

import java.util.List;

/**
 * Runs the router's daemons. On the VM they are systemd units ({@link SystemdSupervisor}), never
 * the agent's children: the agent is replaced during a live upgrade while traffic keeps flowing,
 * and its unit's {@code KillMode=mixed} would take children with it. Outside the VM
 * ({@code --supervisor process}) they are the agent's own children in its network namespace
 * ({@link ProcessSupervisor}), for tests and development.
 */
public interface Supervisor {

    /** Starts {@code unit} with {@code argv} if it is not running. */
    void ensureRunning(String unit, List<String> argv);

    /** Stops and starts it (its main configuration changed). */
    void restart(String unit, List<String> argv);

    /** SIGHUP: the daemon re-reads its data files without a restart. */
    void reload(String unit);

    void stop(String unit);

    boolean running(String unit);

    /** The daemon's main process id, or -1. */
    long pid(String unit);

    static Supervisor of(String kind) {
        return switch (kind) {
            case "process" -> new ProcessSupervisor();
            case "systemd" -> new SystemdSupervisor();
            default -> throw new IllegalArgumentException("--supervisor " + kind + ": expected systemd or process");
        };
    }
}
