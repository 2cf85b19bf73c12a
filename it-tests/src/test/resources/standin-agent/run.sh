#!/bin/bash
# stand-in for CloudStack's run.sh (a restart loop; not what cloud.service runs)
exec ./_run.sh
