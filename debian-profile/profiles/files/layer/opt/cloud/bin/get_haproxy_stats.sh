#!/bin/bash
# get_haproxy_stats.sh: CloudStack entry point that Strata does not serve yet; one clear line, exit 1.
. "${0%/*}/strata-front.sh"
not_implemented "load balancer statistics" "load balancer, later issue"
