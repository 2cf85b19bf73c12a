#!/bin/bash
# update_interface_config.sh: CloudStack entry point that Strata does not serve yet; one clear line, exit 1.
. "${0%/*}/strata-front.sh"
not_implemented "MTU change of a running router" "issue 13, next step"
