#!/bin/bash
# stand-in for CloudStack's createtmplt.sh
echo createtmplt "$@"
