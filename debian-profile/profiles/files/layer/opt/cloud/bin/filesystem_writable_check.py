#!/bin/bash
# filesystem_writable_check.py: are /root and /var/cache/cloud writable (CloudStack's check,
# same output). Shell, not Python: the name is CloudStack's.
for d in /root "${STRATA_CLOUD_CACHE:-/var/cache/cloud}"; do
    f="$d/.strata-writable-check.$$"
    if ! out=$( (: > "$f") 2>&1 ); then
        echo "file system is not writable: $d: ${out:-Read-only file system}"
        case "$out" in *Read-only*) ;; *) echo "Read-only file system" ;; esac
        exit 1
    fi
    rm -f "$f"
done
echo "file system is writable"
