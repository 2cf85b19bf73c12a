#!/usr/bin/env bash
# VR agent benchmark (not a test; run as root): 10,000 rules (firewall openings, port forwards,
# ACL CIDRs) through the agent's API in a network namespace of its own, one-rule changes with
# 10,000 present, the same rules with one `nft add rule` / `iptables -A` process per rule side by
# side (as ratios), the agent's RSS at rest and loaded under the VR's JVM options (the layer's
# agent.jvm.options), and its start-up time to healthy. About 4 minutes, most of it the
# 20,000 per-rule processes.
# Usage: sudo bench/agent-rules.sh
# Knobs (Java system properties through BENCH_OPTS): -Dbench.perProcess=10000 (rules measured one
# process each; fewer is quicker and extrapolated), -Dbench.cpu=0 (the agent, nft, ip and the
# baselines all pinned to that CPU, as in a one-vCPU VM), -Dbench.firewall/forwards/aclCidrs,
# -Dbench.settleMs=3000 (wait before the RSS at rest), -Dbench.jvm="..." (default:
# @debian-profile/profiles/files/layer/agent.jvm.options), -Dbench.nmt=true (with
# -XX:NativeMemoryTracking=summary in bench.jvm: where the loaded agent's memory goes).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "agent-rules.sh: run as root (network namespaces, nft)" >&2; exit 1; }
./mvnw -B -q -pl agent -am -Dstrata.skipTemplates -DskipTests package >&2
cp="agent/target/classes:agent/target/test-classes:agent/target/lib/*"
# The agent itself runs from exactly what the layer carries: the jar and lib/.
agent_cp="$(ls agent/target/agent-*.jar | head -1):agent/target/lib/*"
exec java -cp "$cp" -Dbench.classpath="$agent_cp" ${BENCH_OPTS:-} dev.strata.agent.bench.AgentRulesBench
