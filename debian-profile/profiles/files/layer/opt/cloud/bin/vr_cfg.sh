#!/bin/bash
# vr_cfg.sh -c <VR-uuid.cfg>: the aggregated router configuration of a router start. The whole
# file is one transaction in the agent (CloudStack runs it script by script), then it is moved to
# processed/. On failure: CloudStack's stderr line and exit 1; the agent's explanation (file,
# line, field) on stdout.
. "${0%/*}/strata-front.sh"
cfg=""
while getopts "c:" opt 2>/dev/null; do
    [[ $opt == c ]] && cfg=$OPTARG
done
[[ -n $cfg && $cfg != null ]] || { echo "vr_cfg.sh: usage: vr_cfg.sh -c <VR-uuid.cfg>" >&2; exit 1; }
strata_path "$cfg" && strata_path "$STRATA_CLOUD_CACHE" \
    || { echo "VR config: execution failed: \"$cfg: not a plain absolute path\", check /var/log/cloud.log in VR for details" >&2; exit 1; }
if out=$(strata_call POST "/v1/cloudstack/cfg?path=$cfg&cache=$STRATA_CLOUD_CACHE"); then
    printf '%s\n' "$out"
    exit 0
fi
printf '%s\n' "$out"
first=${out%%$'\n'*}
echo "VR config: execution failed: \"${first//\"/}\", check /var/log/cloud.log in VR for details" >&2
exit 1
