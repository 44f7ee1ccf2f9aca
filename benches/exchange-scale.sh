#!/usr/bin/env bash
# REFI-QDA exchange at scale: a synthetic round of each size, coded with the 2020
# codebook, exported as .qdpx with every automatic code (the largest archive a project
# makes), then imported into a new folder; wall time, peak memory and archive size.
#
# usage: benches/exchange-scale.sh [SIZE...]   (quotes; default 10000)
# Results: one JSON line per size on stdout.
set -euo pipefail
export VERBATIM_MODEL="${VERBATIM_MODEL:-none}"
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
codebook="$root/codebooks/seizing-the-moment-2020.toml"
[ -x "$bin" ] || (cd "$root" && cargo build --release --quiet)
command -v /usr/bin/time >/dev/null || { echo "exchange-scale: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000)

# shellcheck source=benches/measure.sh
source "$root/benches/measure.sh"

for size in "${sizes[@]}"; do
  dir="$root/target/exchange-scale/$size"
  rm -rf "$dir" "$dir.imported" "$dir.qdpx"
  "$bin" generate --quiet --quotes "$size" --codebook "$codebook" --out "$dir"
  (cd "$dir" && "$bin" code --quiet > /dev/null)
  read -r export_s export_kb < <(cd "$dir" && measure "$bin" export --format qdpx --automatic --quiet --out "$dir.qdpx")
  read -r import_s import_kb < <(measure "$bin" import "$dir.qdpx" --out "$dir.imported" --quiet)
  bytes=$(stat -c %s "$dir.qdpx")
  python3 -c "import json,sys; print(json.dumps({'quotes': int(sys.argv[1]), 'export_s': float(sys.argv[2]), 'export_mb': round(int(sys.argv[3])/1024,1), 'import_s': float(sys.argv[4]), 'import_mb': round(int(sys.argv[5])/1024,1), 'archive_mb': round(int(sys.argv[6])/1048576,1)}))" \
    "$size" "$export_s" "$export_kb" "$import_s" "$import_kb" "$bytes"
done
