#!/bin/bash
# vpc_netusage.sh (the VPC variant, same options plus -v <vpc cidr>, -n): CloudStack's network usage. -c (create), -a/-d <eth> (add/delete an interface),
# -r (reset) are accepted as in CloudStack (no state to create: the agent's counters exist).
# -g [-l <public ip>]: "<sent>:<received>:" per public interface, one line, from the agent.
. "${0%/*}/strata-front.sh"
get=0
while getopts "cgrl:a:d:v:n" opt 2>/dev/null; do
    case "$opt" in g) get=1 ;; *) ;; esac
done
[ "$get" = 1 ] || exit 0
not_implemented "traffic counters for billing (netusage -g)" "issue 13, next step"
