#!/bin/bash
# Stand-in for CloudStack's _run.sh (Strata's tests): the same launch line as CloudStack's
# (reference §4): the boot configuration as program arguments, class path ./:./conf:<jars>,
# heap max min(80% of RAM, RAM-80 MB), trust store certs/realhostip.keystore.
set -e
cd "$(dirname "$0")"
rm -f console-proxy.jar console-common.jar conf/cloud.properties
CP="./:./conf"
for jar in *.jar; do CP="$CP:$jar"; done
CMDLINE=$(cat "${STANDIN_CMDLINE:-/var/cache/cloud/cmdline}")
mem=$(( $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024 ))
maxmem=$(( mem * 80 / 100 ))
[ $(( mem - 80 )) -ge "$maxmem" ] || maxmem=$(( mem - 80 ))
exec java -Djavax.net.ssl.trustStore=./certs/realhostip.keystore -Djdk.tls.ephemeralDHKeySize=2048 \
    -Dlog.home=/var/log/cloud/ -mx${maxmem}m -cp "$CP" com.cloud.agent.AgentShell $CMDLINE
