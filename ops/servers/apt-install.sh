#!/usr/bin/env bash
# Installs Debian packages for the project's scripts, one install at a time. Tests start their servers side by side, and
# on a fresh machine two of them finding their server missing would run apt-get at once: the second then fails on dpkg's
# lock ("Could not get lock /var/lib/dpkg/lock-frontend"). This waits its turn (a lock the project's scripts share, then
# dpkg's own, up to 10 minutes each) and installs only what is still missing once it has it.
#
#   ops/servers/apt-install.sh [NAME=VALUE ...] [--apt-option ...] PACKAGE ...
#
# NAME=VALUE words are set in apt-get's environment (RUNLEVEL=1, say); words starting with - are passed to apt-get install.
set -euo pipefail

envs=() options=() packages=()
for word in "$@"; do
  case "$word" in
    -*) options+=("$word") ;;
    *=*) envs+=("$word") ;;
    *) packages+=("$word") ;;
  esac
done
[ ${#packages[@]} -gt 0 ] || { echo "usage: ops/servers/apt-install.sh [NAME=VALUE ...] [--apt-option ...] PACKAGE ..." >&2; exit 2; }
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi

exec 9>>"${TMPDIR:-/tmp}/exchange-apt-install.lock"
flock -w 600 9 || { echo "apt-install.sh: another install held the lock for 10 minutes" >&2; exit 1; }

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -gt 0 ] || exit 0
$SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq >&2
$SUDO env DEBIAN_FRONTEND=noninteractive ${envs[@]+"${envs[@]}"} \
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq ${options[@]+"${options[@]}"} "${missing[@]}" >/dev/null
