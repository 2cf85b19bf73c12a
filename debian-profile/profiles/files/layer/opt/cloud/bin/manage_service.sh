#!/bin/bash
# manage_service.sh <action> <service>: systemctl, as CloudStack's (VPC redundant routers).
case "${1:-}" in start|stop|restart|reload|status) ;; *) echo "manage_service.sh: action \"${1:-}\" (start, stop, restart, reload, status)"; exit 1 ;; esac
case "${2:-}" in ''|*[!A-Za-z0-9@._-]*) echo "manage_service.sh: \"${2:-}\" is not a service name"; exit 1 ;; esac
exec systemctl "$1" "$2"
