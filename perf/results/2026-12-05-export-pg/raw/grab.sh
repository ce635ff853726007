#!/bin/bash
rm -rf /tmp/pgprof/journal; cp -r "$1" /tmp/pgprof/journal
exec /tmp/pg-base/exchange-export "$@"
