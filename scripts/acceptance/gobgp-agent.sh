#!/usr/bin/env bash
# The site agent against gobgpd, through the gobgp CLI: see daemon_agent.bash. Needs root,
# gobgpd, bird2 and iproute2.
DAEMON=gobgp
source "$(dirname "$0")/daemon_agent.bash"
