#!/bin/bash
# update_config.py <file> [false]: CloudStack's databag entry point. <file> is in the cache folder
# (/var/cache/cloud/<name>.json.<uuid>); the agent reads it, merges it with CloudStack's rules for
# its type, applies the result as one transaction and files it under processed/ ("false": deleted
# instead). A file already processed is a success (replay). The boot configuration
# (cmd_line.json) goes first if it still waits, as in CloudStack.
# Not Python: the name is CloudStack's; this is a front to the agent (docs/cloudstack.md).
. "${0%/*}/strata-front.sh"
name=${1:-}
keep=true
[[ ${2:-} == false ]] && keep=false
strata_file_name "$name" || { echo "update_config.py: \"$name\" is not a file name in $STRATA_CLOUD_CACHE"; exit 1; }
strata_path "$STRATA_CLOUD_CACHE" || { echo "update_config.py: STRATA_CLOUD_CACHE=$STRATA_CLOUD_CACHE is not a plain absolute path"; exit 1; }
strata_call POST "/v1/cloudstack/bag?name=$name&keep=$keep&cache=$STRATA_CLOUD_CACHE"
