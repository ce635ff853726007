#!/bin/sh
echo 19 > /proc/self/autogroup
exec nice -n 19 /work/main/bin/exchange-export "$@"
