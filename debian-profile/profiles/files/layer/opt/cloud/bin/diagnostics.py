#!/bin/bash
# diagnostics.py: CloudStack entry point that Strata does not serve yet; one clear line, exit 1.
. "${0%/*}/strata-front.sh"
not_implemented "diagnostics" "later issue"
