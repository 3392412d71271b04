#!/usr/bin/env bash
# Fleets on postgresql: 40 databases (see fleet_lib.sh).
FLEET_DIALECT=postgresql
. "$top_srcdir/tests/integration/fleet_lib.sh"
