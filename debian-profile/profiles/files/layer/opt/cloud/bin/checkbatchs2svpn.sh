#!/bin/bash
# checkbatchs2svpn.sh <peer ip>...: "<ip>:<rc>:<text>&" per peer (rc 0 = connected). Strata has
# no site-to-site VPN yet (later issue): every peer is reported not connected, saying why.
for ip in "$@"; do
    [ "$ip" = null ] && continue
    printf '%s:1:Strata: site-to-site VPN is not implemented yet&' "$ip"
done
