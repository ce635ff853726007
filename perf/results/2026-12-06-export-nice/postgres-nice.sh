#!/bin/sh
# ops/servers/postgres.sh at the lowest priority, its session's autogroup too; copied as postgres.sh into a --servers
# directory, run from the repository's root.
echo 19 > /proc/self/autogroup
exec nice -n 19 ops/servers/postgres.sh "$@"
