#!/usr/bin/env bash
# CloudStack router start through the /opt/cloud/bin fronts, on the host (agent + fronts, no VM):
# the boot configuration (update_config.py cmd_line.json), then one aggregated VR-<uuid>.cfg with
# 1,000 firewall rules, 1,000 port forwards and 500 DHCP entries (vr_cfg.sh -c), then one more
# firewall rule by update_config.py (median of 7 different rules). Time = from the command to its
# exit (= applied in the kernel). The agent runs in a network namespace of its own (eth0-eth2)
# with the layer's agent.jvm.options, as in the VM. Not a test; run as root.
# Usage: sudo bench/cloudstack-router-start.sh [firewall=1000] [forwards=1000] [dhcp=500]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
[ "$(id -u)" = 0 ] || { echo "cloudstack-router-start.sh: run as root (network namespaces, nft)" >&2; exit 1; }
nfw=${1:-1000} npf=${2:-1000} ndhcp=${3:-500}
./mvnw -B -q -pl agent -am -Dstrata.skipTemplates -DskipTests package >&2
bin="$repo/debian-profile/profiles/files/layer/opt/cloud/bin"
ns="csb$$"
work=$(mktemp -d /tmp/cs-bench.XXXXXX)
cache="$work/cache"
mkdir -p "$cache"
cleanup() {
    [ -n "${agent_pid:-}" ] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
for d in eth0 eth1 eth2; do ip -n "$ns" link add "$d" type veth peer name "${d}p"; done
ip -n "$ns" link set eth2 address 1e:00:aa:00:00:02

agent_cp="$(ls agent/target/agent-*.jar | head -1):agent/target/lib/*"
MALLOC_ARENA_MAX=2 ip netns exec "$ns" java @debian-profile/profiles/files/layer/agent.jvm.options -Dstrata.version=bench \
    -cp "$agent_cp" dev.strata.agent.Main --socket "$work/agent.sock" --state-dir "$work/state" \
    --cloudstack-dir "$work/etc-cloudstack" > "$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 300); do grep -q "strata-agent " "$work/agent.log" 2>/dev/null && break; sleep 0.1; done
sleep 2 # the agent's background warm-up, as after a VM boot
export STRATA_AGENT_SOCKET="$work/agent.sock" STRATA_CLOUD_CACHE="$cache"

ms() { echo $(( ($2 - $1) / 1000000 )); }
now() { date +%s%N; }

cat > "$cache/cmd_line.json" <<'J'
{"type":"cmdline","cmd_line":{"template":"domP","name":"r-9-VM","eth0ip":"10.1.0.1","eth0mask":"255.255.0.0","type":"router","eth1ip":"169.254.9.9","eth1mask":"255.255.0.0","eth2ip":"203.0.113.10","eth2mask":"255.255.255.0","gateway":"203.0.113.1","dns1":"192.0.2.53"}}
J
t0=$(now); "$bin/update_config.py" cmd_line.json > /dev/null; t1=$(now)
echo "boot configuration (update_config.py cmd_line.json): $(ms "$t0" "$t1") ms"

u=9f0e2a1c-0000-4000-8000-00000000
cfg="$cache/VR-${u}0000.cfg"
{
    echo "#Apache CloudStack Virtual Router Config File"
    printf '<version>\n1.0\n</version>\n'
    printf '<file>\n/var/cache/cloud/ip_associations.json.%s01\n' "$u"
    printf '{"ip_address":[{"public_ip":"203.0.113.10","source_nat":true,"add":true,"one_to_one_nat":false,"first_i_p":true,"gateway":"203.0.113.1","netmask":"255.255.255.0","vif_mac_address":"1e:00:aa:00:00:02","nic_dev_id":2,"new_nic":false,"nw_type":"Public","mtu":1500}],"type":"ips","delete_from_processed_cache":false}\n'
    printf '</file>\n<script>\n/opt/cloud/bin/update_config.py ip_associations.json.%s01\n</script>\n' "$u"
    printf '<file>\n/var/cache/cloud/firewall_rules.json.%s02\n{"rules":[' "$u"
    for ((i = 1; i <= nfw; i++)); do
        ((i > 1)) && printf ','
        printf '{"id":%d,"src_ip":"203.0.113.10","protocol":"tcp","src_port_range":[%d,%d],"revoked":false,"already_added":false,"source_cidr_list":["198.51.%d.0/24"],"purpose":"Firewall","traffic_type":"Ingress","default_egress_policy":false}' \
            "$i" $((20000 + i)) $((20000 + i)) $((i % 250))
    done
    printf '],"type":"firewallrules","delete_from_processed_cache":false}\n</file>\n'
    printf '<script>\n/opt/cloud/bin/update_config.py firewall_rules.json.%s02\n</script>\n' "$u"
    printf '<file>\n/var/cache/cloud/forwarding_rules.json.%s03\n{"rules":[' "$u"
    for ((i = 1; i <= npf; i++)); do
        ((i > 1)) && printf ','
        printf '{"revoke":false,"protocol":"tcp","source_ip_address":"203.0.113.10","source_port_range":"%d:%d","destination_ip_address":"10.1.%d.%d","destination_port_range":"80:80","source_cidr_list":""}' \
            $((10000 + i)) $((10000 + i)) $((i / 250)) $((i % 250 + 2))
    done
    printf '],"type":"forwardrules","delete_from_processed_cache":false}\n</file>\n'
    printf '<script>\n/opt/cloud/bin/update_config.py forwarding_rules.json.%s03\n</script>\n' "$u"
    for ((i = 1; i <= ndhcp; i++)); do
        printf '<file>\n/var/cache/cloud/vm_dhcp_entry.json.%s%04d\n' "$u" $((1000 + i))
        printf '{"host_name":"vm-%d","mac_address":"02:00:00:00:%02x:%02x","ipv4_address":"10.1.%d.%d","default_gateway":"10.1.0.1","default_entry":true,"remove":false,"type":"dhcpentry","delete_from_processed_cache":false}\n' \
            "$i" $((i / 256)) $((i % 256)) $((i / 250)) $((i % 250 + 2))
        printf '</file>\n<script>\n/opt/cloud/bin/update_config.py vm_dhcp_entry.json.%s%04d\n</script>\n' "$u" $((1000 + i))
    done
} > "$cfg"
echo "VR cfg: $(wc -c < "$cfg") bytes, $nfw firewall rules, $npf port forwards, $ndhcp DHCP entries"
t0=$(now); "$bin/vr_cfg.sh" -c "$cfg" | tail -n 3; t1=$(now)
echo "router start (vr_cfg.sh -c, one transaction): $(ms "$t0" "$t1") ms"
ip netns exec "$ns" nft list table inet strata | grep -c "elements\|:" > /dev/null

times=()
for ((k = 1; k <= 7; k++)); do
    f="firewall_rules.json.one$k"
    printf '{"rules":[{"id":%d,"src_ip":"203.0.113.10","protocol":"udp","src_port_range":[%d,%d],"revoked":false,"source_cidr_list":["0.0.0.0/0"],"purpose":"Firewall","traffic_type":"Ingress"}],"type":"firewallrules","delete_from_processed_cache":false}\n' \
        $((5000 + k)) $((5000 + k)) $((5000 + k)) > "$cache/$f"
    t0=$(now); "$bin/update_config.py" "$f" > "$work/one.out"; t1=$(now); [ $k = 7 ] && cat "$work/one.out"
    times+=("$(ms "$t0" "$t1")")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
echo "one more firewall rule (update_config.py), 7 runs: $sorted ms; median $(printf '%s\n' "${times[@]}" | sort -n | sed -n 4p) ms"
t0=$(now); for ((k = 0; k < 20; k++)); do "$bin/getRouterAlerts.sh" x y > /dev/null; done; t1=$(now)
echo "a front that does not call the agent (getRouterAlerts.sh): $(( $(ms "$t0" "$t1") / 20 )) ms a call"
t0=$(now); for ((k = 0; k < 20; k++)); do "$bin/update_config.py" nosuch.json > /dev/null || true; done; t1=$(now)
echo "a front's round trip to the agent (update_config.py of a missing file): $(( $(ms "$t0" "$t1") / 20 )) ms a call"
echo "agent RSS: $(ps -o rss= -p "$(pgrep -P "$agent_pid" java || echo "$agent_pid")" | tr -d ' ') KB"
