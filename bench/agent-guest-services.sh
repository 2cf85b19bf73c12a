#!/usr/bin/env bash
# Guest-services benchmark (not a test; run as root): the agent (the layer's jar, lib/ and
# agent.jvm.options) in a network namespace of its own with --supervisor process, then
#  - 10,000 DHCP host entries applied: request until dnsmasq answers the last one's name,
#  - one host added / removed with 10,000 present (median of 7), dnsmasq's pid unchanged,
#  - 1,000 password saves, 100 per request,
#  - 10,000 VMs' metadata (with the 10,000 hosts) applied,
#  - the agent's and dnsmasq's RSS at rest.
# Usage: sudo bench/agent-guest-services.sh   (BENCH_CPU=0 pins everything to CPU 0)
# Not yet here: metadata requests per second (no load generator on the host), the 10,000
# rules of agent-rules.sh in the same agent.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "agent-guest-services.sh: run as root" >&2; exit 1; }
[ -n "${SKIP_BUILD:-}" ] || ./mvnw -B -q -pl agent -am -Dstrata.skipTemplates -DskipTests package >&2
work="$(mktemp -d /tmp/sb-bench.XXXXXX)"
ns="sb$(printf '%04x' $((RANDOM % 65536)))-r"
pin=()
[ -z "${BENCH_CPU:-}" ] || pin=(taskset -c "$BENCH_CPU")
cleanup() { [ -z "${agent:-}" ] || kill "$agent" 2>/dev/null || true; ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add sb-g1 type bridge
ip -n "$ns" link set sb-g1 up
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
hosts, vms = [], []
for i in range(10000):
    a, b = 10 + i // 250, 2 + i % 250
    ip = f"10.1.{a}.{b}"
    hosts.append({"mac": "02:00:0a:01:%02x:%02x" % (a, b), "ipv4": ip, "hostName": f"vm-{i}"})
    vms.append({"ip": ip, "userData": "I2Nsb3VkLWNvbmZpZwpob3N0bmFtZTogd2ViLTEK",
                "metaData": {"instance-id": f"i-2-{i}-VM", "local-hostname": f"vm-{i}", "local-ipv4": ip}})
cfg = {"interfaces": [{"name": "sb-g1", "role": "guest", "addresses": ["10.1.0.1/16"]}],
       "guestNetworks": [{"interface": "sb-g1", "domain": "cs1cloud.internal"}], "dhcpHosts": hosts}
json.dump(cfg, open(f"{w}/hosts.json", "w"))
cfg["vmData"] = vms
json.dump(cfg, open(f"{w}/all.json", "w"))
for k in range(10):
    json.dump({"passwords": [{"ip": f"10.1.{10 + (k * 100 + i) // 250}.{2 + (k * 100 + i) % 250}", "password": f"pw-{k}-{i}"}
                             for i in range(100)]}, open(f"{w}/pw{k}.json", "w"))
PY
jar="$(ls agent/target/agent-*.jar | head -1)"
MALLOC_ARENA_MAX=2 "${pin[@]}" ip netns exec "$ns" java @debian-profile/profiles/files/layer/agent.jvm.options \
  -cp "$jar:agent/target/lib/*" dev.strata.agent.Main --socket "$work/agent.sock" --state-dir "$work/state" \
  --supervisor process > "$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 100); do curl -s --unix-socket "$work/agent.sock" http://a/v1/health >/dev/null 2>&1 && break; sleep 0.1; done
api() { curl -s -o /dev/null -w '%{http_code}' --unix-socket "$work/agent.sock" -X "$1" -H 'Content-Type: application/json' --data-binary "@$2" "http://a$3"; }
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
rss() { awk '/VmRSS/ {printf "%.1f MB", $2/1024}' "/proc/$1/status"; }
dpid() { curl -s --unix-socket "$work/agent.sock" http://a/v1/services | python3 -c 'import json,sys; print(json.load(sys.stdin)["dhcp"]["detail"].split()[-1])'; }
sleep 3 # the background warm-up
t=$(date +%s%N)
[ "$(api PUT "$work/hosts.json" /v1/config)" = 200 ]
until [ "$(ip netns exec "$ns" dig +short +time=1 +tries=1 @10.1.0.1 vm-9999.cs1cloud.internal)" = "10.1.49.251" ]; do sleep 0.005; done
echo "apply 10,000 DHCP hosts, request to dnsmasq answering the last: $(ms "$t") ms"
pid0=$(dpid)
adds=(); removes=()
for i in $(seq 7); do
  printf '{"add":[{"mac":"02:00:0a:01:fe:%02x","ipv4":"10.1.254.%d","hostName":"extra-%d"}]}' "$i" "$i" "$i" > "$work/add.json"
  printf '{"remove":[{"mac":"02:00:0a:01:fe:%02x","ipv4":"10.1.254.%d","hostName":"extra-%d"}]}' "$i" "$i" "$i" > "$work/rm.json"
  t=$(date +%s%N); [ "$(api PATCH "$work/add.json" /v1/config/dhcpHosts)" = 200 ]; adds+=("$(ms "$t")")
  t=$(date +%s%N); [ "$(api PATCH "$work/rm.json" /v1/config/dhcpHosts)" = 200 ]; removes+=("$(ms "$t")")
done
median() { printf '%s\n' "$@" | sort -n | sed -n 4p; }
echo "add one host with 10,000 present (median of 7): $(median "${adds[@]}") ms; remove one: $(median "${removes[@]}") ms"
[ "$(dpid)" = "$pid0" ] && echo "dnsmasq not restarted (pid $pid0)" || echo "dnsmasq RESTARTED"
t=$(date +%s%N)
for k in $(seq 0 9); do [ "$(api POST "$work/pw$k.json" /v1/passwords)" = 200 ]; done
echo "1,000 password saves, 100 per request: $(ms "$t") ms"
t=$(date +%s%N)
[ "$(api PUT "$work/all.json" /v1/config)" = 200 ]
echo "add 10,000 VMs' metadata to the 10,000 hosts (one PUT of the whole configuration): $(ms "$t") ms"
sleep "${SETTLE:-5}"
echo "RSS at rest, agent with 10,000 DHCP hosts + 10,000 VMs' metadata: $(rss "$agent")"
echo "RSS of dnsmasq with 10,000 hosts: $(rss "$(dpid)")"
