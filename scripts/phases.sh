# Shared by .ci/run and scripts/test-all.sh (sourced, not run): named phases whose
# output goes to $PHASE_LOGS/<phase>.log (printed in one piece when the phase ends),
# with each phase's wall and CPU time and the load average in a summary.
#
# The caller sets PHASE_LOGS (a directory) and PHASE_LABEL (the prefix of the
# progress lines) before sourcing.

mkdir -p "$PHASE_LOGS"
rm -f "$PHASE_LOGS/phases"
PHASES_STARTED=$SECONDS

load() { cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?"; }

# Prints a finished phase's log in one piece (lanes end phases at any moment).
print_log() {
  if command -v flock >/dev/null 2>&1; then
    flock "$PHASE_LOGS/.print" cat "$1"
  else
    cat "$1"
  fi
}

# phase NAME COMMAND...: runs COMMAND with its output in $PHASE_LOGS/NAME.log,
# records wall and CPU time (user+sys of everything it ran) and the load average.
phase() {
  local name=$1
  shift
  local log="$PHASE_LOGS/$name.log" rc=0 load_before wall user sys
  load_before=$(load)
  echo "[$PHASE_LABEL +$((SECONDS - PHASES_STARTED))s] $name: started (load $load_before)"
  local TIMEFORMAT='%R %U %S'
  { time "$@" >"$log" 2>&1; } 2>"$PHASE_LOGS/$name.time" || rc=$?
  read -r wall user sys <"$PHASE_LOGS/$name.time" || true
  printf '%s %s %s %s %s %s\n' "$name" "$rc" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')" "$load_before" "$(load)" >>"$PHASE_LOGS/phases"
  {
    echo "================ $name ($( [ $rc -eq 0 ] && echo passed || echo "FAILED, exit $rc"), ${wall}s wall) ================"
    cat "$log"
  } >"$log.print"
  print_log "$log.print"
  rm -f "$log.print"
  echo "[$PHASE_LABEL +$((SECONDS - PHASES_STARTED))s] $name: $( [ $rc -eq 0 ] && echo passed || echo "FAILED (exit $rc)") in ${wall}s"
  return $rc
}

summary() {
  echo
  echo "$PHASE_LABEL phases (wall s / CPU s user+sys incl. children / load average at start → end), $(nproc 2>/dev/null || echo '?') cores:"
  if [ -f "$PHASE_LOGS/phases" ]; then
    while read -r name rc wall cpu l0 l1; do
      printf '  %-22s %-6s %8ss %8ss   load %s → %s\n' "$name" "$( [ "$rc" = 0 ] && echo ok || echo FAIL)" "$wall" "$cpu" "$l0" "$l1"
    done <"$PHASE_LOGS/phases"
  fi
  echo "  total                         $((SECONDS - PHASES_STARTED))s wall"
}
