#!/usr/bin/env bash
# The site agent against FRR's bgpd, through vtysh: see daemon_agent.bash. Needs root, frr,
# bird2 and iproute2.
DAEMON=frr
source "$(dirname "$0")/daemon_agent.bash"
