#!/bin/bash
# netusage.sh: CloudStack's network usage. -c (create), -a/-d <eth> (add/delete an interface),
# -r (reset) are accepted as in CloudStack (no state to create: the agent's counters exist).
# -g [-l <public ip>]: "<sent>:<received>:" per public interface (bytes), one line, from the
# agent's usage counters (forwarded traffic out of / into the public interface).
. "${0%/*}/strata-front.sh"
get=0 ip=""
while getopts "cgrl:a:d:v:n" opt 2>/dev/null; do
    case "$opt" in g) get=1 ;; l) ip=$OPTARG ;; *) ;; esac
done
[[ $get == 1 ]] || exit 0
[[ -z $ip || $ip == null || $ip =~ ^[0-9.]{7,15}$ ]] || { echo "${0##*/}: -l $ip is not an IPv4 address"; exit 1; }
strata_call GET "/v1/cloudstack/netusage?ip=$ip"
