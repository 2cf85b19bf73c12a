#!/bin/bash
# patched.sh <files>: exit 0 if they exist (CloudStack polls it for /opt/cloud/bin/keystore*).
ls -lrt "$@"
