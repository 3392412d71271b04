#!/usr/bin/env bash
# Fleets on sqlite: 200 databases (see fleet_lib.sh).
FLEET_DIALECT=sqlite
. "$top_srcdir/tests/integration/fleet_lib.sh"
