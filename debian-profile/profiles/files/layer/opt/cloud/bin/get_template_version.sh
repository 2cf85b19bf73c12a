#!/bin/bash
# get_template_version.sh: "<release line>&<scripts signature>" once the VM has booted
# (/var/cache/cloud/boot_up_done, waited for up to 240 s as CloudStack's). The signature is the
# sha512 of the cloud-scripts.tgz the host last sent (kept in cloud-scripts-signature), so that
# a non-forced live patch finds "no change" (docs/cloudstack.md). Arguments (or "null") ignored.
. "${0%/*}/strata-front.sh"
cache=$STRATA_CLOUD_CACHE
for ((i = 0; i < 2400; i++)); do
    [[ -f $cache/boot_up_done ]] && break
    sleep 0.1
done
sig=$cache/cloud-scripts-signature
tgz=$cache/cloud-scripts.tgz
if [[ -f $tgz && ( ! -s $sig || $tgz -nt $sig ) ]]; then
    sum=$(sha512sum "$tgz") && printf '%s\n' "${sum%% *}" > "$sig.tmp" && mv -f "$sig.tmp" "$sig"
fi
release=""
[[ -f $STRATA_CLOUDSTACK_RELEASE ]] && release=$(< "$STRATA_CLOUDSTACK_RELEASE")
signature=""
[[ -f $sig ]] && signature=$(< "$sig")
printf '%s&%s\n' "$release" "$signature"
