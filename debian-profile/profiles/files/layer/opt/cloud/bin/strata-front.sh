# Shared part of Strata's /opt/cloud/bin fronts (sourced by bash, not run). The fronts are what
# CloudStack's host agent and management server run over ssh; each is a thin front to the VR
# agent, which does the work. bash builtins + one socat over the agent's Unix socket: no JVM and
# no other process per call (measured in docs/cloudstack.md).
#   STRATA_AGENT_SOCKET  the agent's API socket (default /run/strata/agent.sock)
#   STRATA_CLOUD_CACHE   CloudStack's cache folder (default /var/cache/cloud)
# so that the same files run against an agent in a test's network namespace on a build host.
STRATA_AGENT_SOCKET=${STRATA_AGENT_SOCKET:-/run/strata/agent.sock}
STRATA_CLOUD_CACHE=${STRATA_CLOUD_CACHE:-/var/cache/cloud}
STRATA_CLOUDSTACK_RELEASE=${STRATA_CLOUDSTACK_RELEASE:-/etc/cloudstack-release}

# strata_call METHOD PATH: one HTTP request (no body) to the agent; prints the answer's body and
# returns 0 for a 2xx answer, 1 otherwise, 2 when the agent cannot be reached.
strata_call() {
    local out status rc
    # The trailing marker keeps the answer's last new lines (command substitution drops them).
    out=$(printf '%s %s HTTP/1.1\r\nHost: agent\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' "$1" "$2" \
        | socat -t 900 -T 900 - "UNIX-CONNECT:$STRATA_AGENT_SOCKET" 2>&1; printf 'x%s' "$?")
    rc=${out##*x}
    out=${out%x*}
    if [[ $rc != 0 || $out != HTTP/1.* ]]; then
        echo "Strata: the VR agent does not answer on $STRATA_AGENT_SOCKET: ${out%$'\n'}"
        return 2
    fi
    status=${out#HTTP/1.[01] }
    status=${status:0:3}
    out=${out#*$'\r\n\r\n'}
    printf '%s' "$out"
    [[ $status == 2?? ]]
}

# A file name CloudStack gives (no folder, no odd characters) or a plain absolute path: the only
# inputs that go into a URL, so they need no encoding.
strata_file_name() {
    [[ $1 =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$ && $1 != null ]]
}
strata_path() {
    [[ $1 =~ ^/[A-Za-z0-9_./-]{0,399}$ && $1 != *..* && $1 != *//* ]]
}

# not_implemented WHAT ISSUE: one clear line, exit 1 (the management server shows it).
not_implemented() {
    echo "Strata: ${0##*/}: $1 is not implemented yet ($2)"
    exit 1
}
