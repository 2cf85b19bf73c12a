#!/usr/bin/env bash
# Layer benchmark (not a test). Prints:
#   1. the default layer's size (compressed file, installed tree) and its build time from an
#      empty layer cache and from the cache;
#   2. the time from `strata layer activate` to the new version answering, N times: activate
#      (the CLI, a JVM), stop the old agent, start the new one from /router/latest, poll the
#      new layer's health check until it reports the new version. This is what
#      `activate --live` does on a VM, with systemd's restart done by hand; the agent runs in a
#      network namespace of its own on this host (the VM figure under TCG is in LayerUpgradeIT's
#      output).
# Usage (root: the agent programs nftables): bench/layer.sh [runs, default 5]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
strata="$repo/bin/strata"
work=$(mktemp -d /var/tmp/strata-layer-bench.XXXXXX)
ns="sbench$$"
cleanup() {
  [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }

"$strata" --help >/dev/null   # builds the CLI if needed, outside the timings
cache="$work/cache"
t0=$(now); "$strata" layer build --cache "$cache" --output "$work/v1" >/dev/null 2>&1; t1=$(now)
"$strata" layer build --cache "$cache" --output "$work/v1" >/dev/null 2>&1; t2=$(now)
"$strata" layer build --cache "$cache" --output "$work/v2" --version 99.0.0.1 >/dev/null 2>&1
layer1=$(ls "$work"/v1/*.layer); layer2=$(ls "$work"/v2/*.layer)
v1=$(basename "$layer1" .layer); v1=${v1#router-}
echo "layer file        $(du -b "$layer1" | cut -f1 | awk '{printf "%.1f MiB", $1/1048576}')  ($layer1)"
echo "build, no cache   $(ms "$t0" "$t1") ms"
echo "build, cached     $(ms "$t1" "$t2") ms"

router="$work/router"; keys="$cache/keys"
"$strata" layer install "$layer1" --router-dir "$router" --trusted-keys "$keys" --root-release /nonexistent >/dev/null
"$strata" layer install "$layer2" --router-dir "$router" --trusted-keys "$keys" --root-release /nonexistent >/dev/null
echo "installed tree    $(du -sb "$router/$v1" | awk '{printf "%.1f MiB", $1/1048576}')"
"$strata" layer activate "$v1" --router-dir "$router" --trusted-keys "$keys" >/dev/null
"$strata" layer mark-good --router-dir "$router" --trusted-keys "$keys" >/dev/null
ip netns add "$ns"
sock="$work/agent.sock"

start_agent() {
  ip netns exec "$ns" "$router/latest/bin/strata-agent" --socket "$sock" --state-dir "$work/state" >>"$work/agent.log" 2>&1 &
  agent_pid=$!
}
wait_version() { # version
  until out=$("$router/latest/jre/bin/java" -XX:TieredStopAtLevel=1 -cp "$router/latest/lib/*" \
      dev.strata.agent.HealthProbe --socket "$sock" --timeout-seconds 5 2>/dev/null) \
      && printf '%s' "$out" | grep -q -E "\"version\"[[:space:]]*:[[:space:]]*\"$1\""; do sleep 0.05; done
}

start_agent; wait_version "$v1"
times=()
target=99.0.0.1; back=$v1
for i in $(seq "$runs"); do
  t0=$(now)
  "$strata" layer activate "$target" --router-dir "$router" --trusted-keys "$keys" >/dev/null
  t1=$(now)
  kill "$agent_pid"; wait "$agent_pid" 2>/dev/null || true
  start_agent
  wait_version "$target"
  t2=$(now)
  echo "run $i: activate $target: CLI $(ms "$t0" "$t1") ms, agent restart to answering $(ms "$t1" "$t2") ms, total $(ms "$t0" "$t2") ms"
  times+=("$(ms "$t0" "$t2")")
  tmp=$target; target=$back; back=$tmp
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
echo "activate -> new version answering: median $(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p") ms, min $(echo "$sorted" | head -1) ms, max $(echo "$sorted" | tail -1) ms ($runs runs, this host, no KVM)"
