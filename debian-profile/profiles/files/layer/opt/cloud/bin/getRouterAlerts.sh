#!/bin/bash
# getRouterAlerts.sh <date> <time>: alerts newer than the given time. Strata runs no service
# monitor yet, so there are none: CloudStack's own answer for an empty alert log.
echo "No Alerts"
