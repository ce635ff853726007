#!/bin/sh
# exchange-export at the lowest priority, its session's autogroup too; run from the repository's root (bin/).
echo 19 > /proc/self/autogroup
exec nice -n 19 bin/exchange-export "$@"
