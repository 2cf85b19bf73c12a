# Sourced by the system VM scripts (docs/systemvm.md). Reads CloudStack's boot configuration,
# /var/cache/cloud/cmdline, without eval: each value is only ever compared, validated, and
# passed as one argument. STRATA_ROOT (tests only) prefixes every file path.
R="${STRATA_ROOT:-}"
CMDLINE="$R/var/cache/cloud/cmdline"

log() { echo "strata-systemvm: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# cmdline_get KEY: the value of the last KEY=... pair, split on the first '=' (base64 padding
# stays); empty when absent. Globbing is off while the line is split into words.
cmdline_get() {
    _v=""
    [ -r "$CMDLINE" ] || return 0
    case $- in *f*) _f=1 ;; *) _f=0; set -f ;; esac
    for _pair in $(cat "$CMDLINE"); do
        case "$_pair" in "$1="*) _v="${_pair#*=}" ;; esac
    done
    [ "$_f" = 1 ] || set +f
    printf '%s' "$_v"
}

# cmdline_pairs: every key=value pair, one a line, in order.
cmdline_pairs() {
    [ -r "$CMDLINE" ] || return 0
    case $- in *f*) _f=1 ;; *) _f=0; set -f ;; esac
    for _pair in $(cat "$CMDLINE"); do
        case "$_pair" in *=*) printf '%s\n' "$_pair" ;; esac
    done
    [ "$_f" = 1 ] || set +f
}

is_ipv4() {
    case "$1" in '' | *[!0-9.]* | .* | *. | *..*) return 1 ;; esac
    _old="$IFS"; IFS=.; set -- $1; IFS="$_old"
    [ $# -eq 4 ] || return 1
    for _o in "$@"; do
        case "$_o" in ???? | ?????*) return 1 ;; esac
        [ "$_o" -le 255 ] || return 1
    done
}

# An address that is set: CloudStack writes 0.0.0.0 for a NIC without one.
has_ipv4() { is_ipv4 "$1" && [ "$1" != 0.0.0.0 ]; }

is_rfc1918() {
    case "$1" in
        10.*) return 0 ;;
        192.168.*) return 0 ;;
        172.1[6-9].* | 172.2[0-9].* | 172.3[01].*) return 0 ;;
    esac
    return 1
}

is_port() {
    case "$1" in '' | *[!0-9]* | 0*) return 1 ;; esac
    [ "${#1}" -le 5 ] && [ "$1" -le 65535 ]
}

is_hostname() {
    case "$1" in '' | *[!A-Za-z0-9.-]* | -* | .*) return 1 ;; esac
    [ "${#1}" -le 253 ]
}

is_nic() {
    case "$1" in eth[0-9] | eth[0-9][0-9]) return 0 ;; esac
    return 1
}

# A path the host names in a command: absolute, plain characters, no '..'.
is_plain_path() {
    case "$1" in /*) ;; *) return 1 ;; esac
    case "$1" in *[!A-Za-z0-9._/-]* | */../* | */.. | *//*) return 1 ;; esac
}

# write_file PATH MODE: standard input into PATH through a temporary file and a rename.
write_file() {
    mkdir -p "$(dirname "$1")"
    cat > "$1.strata-new"
    chmod "$2" "$1.strata-new"
    mv -f "$1.strata-new" "$1"
}

# The NIC the host's ssh arrives on: eth0 (KVM, Xen), eth1 where the control NIC has no address
# (VMware: eth0ip=0.0.0.0) or on Hyper-V (the management NIC is always used there).
control_nic() {
    _virt=$(systemd-detect-virt 2>/dev/null || true)
    if [ "$_virt" = microsoft ] || ! has_ipv4 "$(cmdline_get eth0ip)"; then
        echo eth1
    else
        echo eth0
    fi
}
