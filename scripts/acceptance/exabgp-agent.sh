#!/usr/bin/env bash
# The site agent against ExaBGP, through its control pipes: see daemon_agent.bash. Needs root,
# exabgp, bird2 and iproute2.
DAEMON=exabgp
source "$(dirname "$0")/daemon_agent.bash"
