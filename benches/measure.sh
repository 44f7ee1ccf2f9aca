# Shared by the scale harnesses: `measure COMMAND...` runs a command with
# /usr/bin/time -v (its output dropped) and prints "seconds kilobytes": wall time and peak
# resident memory. A failing command prints its output and ends the harness.
measure() {
  local log
  log=$(mktemp)
  /usr/bin/time -v "$@" >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }
  local wall kb
  wall=$(grep "Elapsed (wall clock)" "$log" | awk '{print $NF}')
  kb=$(grep "Maximum resident set size" "$log" | awk '{print $NF}')
  rm -f "$log"
  python3 -c "import sys; p=sys.argv[1].split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(p))); print(f'{s:.3f} {sys.argv[2]}')" "$wall" "$kb"
}
