#!/usr/bin/env bash
# Fleets on mysql: 40 databases (see fleet_lib.sh).
FLEET_DIALECT=mysql
. "$top_srcdir/tests/integration/fleet_lib.sh"
