#!/bin/bash
# checkrouter.sh: redundant-router state. Strata has no VRRP yet: a router that CloudStack made
# redundant gets a clear failure; any other router has no VRRP state, "Status: UNKNOWN".
. "${0%/*}/strata-front.sh"
if grep -q '"redundant_router"[[:space:]]*:[[:space:]]*"true"' /etc/cloudstack/cmdline.json 2>/dev/null; then
    not_implemented "redundant routers (VRRP)" "later issue"
fi
echo "Status: UNKNOWN"
