#!/bin/bash
# per-thread CPU% over $1 seconds
SECS=$1
snap() { for f in /proc/[0-9]*/task/[0-9]*/stat; do read -r line < $f 2>/dev/null || continue; echo "$f ${line#*) }|${line%%) *}"; done; }
declare -A A
while IFS= read -r l; do f=${l%% *}; rest=${l#* }; set -- ${rest%%|*}; A[$f]=$(( ${12} + ${13} )); done < <(snap)
sleep $SECS
while IFS= read -r l; do f=${l%% *}; rest=${l#* }; comm=${rest#*|}; set -- ${rest%%|*}; t=$(( ${12} + ${13} )); d=$(( t - ${A[$f]:-$t} )); [ $d -gt 5 ] && echo "$d ni=${17} $f $comm"; done < <(snap) | sort -rn | head -15
