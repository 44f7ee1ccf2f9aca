#!/usr/bin/env bash
# Scale harness: generates a synthetic round of each size with the real binary, then runs
# the real binary end to end and records wall time, throughput and peak memory
# (/usr/bin/time -v) of ingest, code (index + coding with the 2020 codebook), report (all
# matrices, JSON), search latency (p50/p99 over 400 searches in one process, and per
# process), adding a new round of 10,000 quotes (and the same project rebuilt from
# scratch, for the ratio), and the Python keyword baseline on the same quotes.
#
# usage: benches/scale.sh [SIZE...]     (default: 1000; SEARCH_QUERIES=N distinct queries,
#        run without and with a theme filter; SEARCH_PROCESSES=N timed as separate
#        processes; BASELINE_MAX_QUOTES=N, default 20000, the largest size the baseline
#        runs at)
# Results: one JSON line per size on stdout, and benches/results/scale-SIZE.json.
# Codes by words alone unless VERBATIM_MODEL names a model (the transformer's own
# throughput is measured separately: benches/README.md, "Sentence model").
set -euo pipefail
export VERBATIM_MODEL="${VERBATIM_MODEL:-none}"
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
codebook="$root/codebooks/seizing-the-moment-2020.toml"
[ -x "$bin" ] || (cd "$root" && cargo build --release --quiet)
command -v /usr/bin/time >/dev/null || { echo "scale: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000)
mkdir -p "$root/benches/results"

# shellcheck source=benches/measure.sh
source "$root/benches/measure.sh"

median_line() { # lines of "seconds kilobytes" on stdin: prints "median-seconds max-kilobytes"
  python3 -c "
import statistics, sys
runs = [line.split() for line in sys.stdin if line.strip()]
print(f'{statistics.median(float(s) for s, _ in runs):.3f} {max(int(k) for _, k in runs)}')"
}

median_of() { # runs "paths to remove first" command...: prints "median-seconds max-kilobytes"
  local runs=$1 remove=$2
  shift 2
  local results=()
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086
    [ -z "$remove" ] || rm -rf $remove
    results+=("$(measure "$@")")
  done
  printf '%s\n' "${results[@]}" | median_line
}

for size in "${sizes[@]}"; do
  dir="$root/target/scale/$size"
  rm -rf "$dir"
  "$bin" generate --quiet --quotes "$size" --codebook "$codebook" --out "$dir"
  # The generator's writes go to disk before anything is timed, so that no timed sync
  # waits for them.
  sync
  cd "$dir"
  megabytes=$(du -sb interviews | awk '{printf "%.2f", $1/1e6}')
  # Runs of under a second are mostly process start and disk syncs, which vary from run to
  # run on a shared machine: below 1M quotes ingest and code are timed five times and the
  # median kept (peak memory: the largest of the runs).
  repeats=1
  [ "$size" -lt 1000000 ] && repeats=5
  read -r ingest_s ingest_kb < <(median_of "$repeats" "" "$bin" ingest --quiet)
  quotes=$(wc -l < .verbatim/quotes.jsonl)
  read -r code_s code_kb < <(median_of "$repeats" ".verbatim/index .verbatim/table.bin .verbatim/codings.jsonl" "$bin" code --quiet)
  codings=$(wc -l < .verbatim/codings.jsonl)
  read -r recode_s recode_kb < <(measure "$bin" code --quiet)
  read -r report_s report_kb < <(measure "$bin" report --quiet --format json --by area --by sector --by role --out "$dir/report.json")
  # Search: 200 varied queries (words, phrases, OR, theme and area filters) answered by one
  # process over the loaded project (--batch --timings: the time of each search alone), and
  # the first SEARCH_PROCESSES of them again as separate processes (start, open, search).
  # Queries from the round's own words (as a reader would type them): single words, two
  # words (both must occur), "A OR B", and two-word phrases, drawn from spread-out quotes.
  python3 - .verbatim/quotes.jsonl "${SEARCH_QUERIES:-200}" > "$dir/queries.txt" <<'PY'
import json, re, sys
path, count = sys.argv[1], int(sys.argv[2])
lines = open(path, encoding="utf-8").read().splitlines()
step = max(1, len(lines) // count)
for i in range(count):
    tokens = re.findall(r"[a-z]+", json.loads(lines[(i * step) % len(lines)])["text"].lower())
    words = [w for w in tokens if len(w) >= 5]
    pairs = [f"{a} {b}" for a, b in zip(tokens, tokens[1:]) if len(a) >= 4 and len(b) >= 4]
    if len(words) < 4:
        words = (words + ["community", "funding", "volunteers", "council"])[:4]
    kind = i % 4
    if kind == 0:
        print(words[0])
    elif kind == 1:
        print(f"{words[1]} {words[2]}")
    elif kind == 2:
        print(f"{words[0]} OR {words[3]}")
    else:
        print(f'"{pairs[0]}"' if pairs else words[0])
PY
  "$bin" search --batch "$dir/queries.txt" --timings --limit 10 > "$dir/searches.jsonl"
  "$bin" search --batch "$dir/queries.txt" --timings --limit 10 --theme challenge.fatigue >> "$dir/searches.jsonl"
  read -r p50 p99 searched < <(python3 -c "
import json, sys
t = sorted(json.loads(l)['elapsed_us'] for l in open(sys.argv[1]))
print(t[len(t) // 2] / 1000, t[min(len(t) - 1, int(len(t) * 0.99))] / 1000, len(t))" "$dir/searches.jsonl")
  latencies=()
  for i in $(seq 1 "${SEARCH_PROCESSES:-20}"); do
    query=$(sed -n "${i}p" "$dir/queries.txt")
    [ -n "$query" ] || break
    start=$(date +%s%N)
    "$bin" search --json --limit 10 "$query" >/dev/null
    latencies+=($((($(date +%s%N) - start) / 1000000)))
  done
  read -r process_p50 < <(printf '%s\n' "${latencies[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}')
  # The baseline scans the text once per term: at large sizes it would run for hours.
  if [ "$quotes" -le "${BASELINE_MAX_QUOTES:-20000}" ]; then
    baseline=$(python3 "$root/benches/keyword_baseline.py" .verbatim/quotes.jsonl "$codebook")
  else
    baseline='{"seconds": null, "megabytes": null, "terms": null, "codes": null}'
  fi
  # A new round of 10,000 quotes added to the project.
  "$bin" generate --quiet --quotes 10000 --seed 7 --round 2022 --codebook "$codebook" --out "$dir/new"
  mv "$dir/new/interviews/2022" "$dir/interviews/2022"
  tail -n +3 "$dir/new/roster.csv" >> "$dir/roster.csv"
  sync
  # Adding it is timed three times (the round taken out and coded without it in between;
  # the median kept): its second or so is mostly syncing 130 MB of rewritten codings and
  # table to disk, which varies with the disk's other work.
  adds=()
  for attempt in 1 2 3; do
    if [ "$attempt" -gt 1 ]; then
      mv "$dir/interviews/2022" "$dir/new/2022"
      "$bin" code --quiet
      mv "$dir/new/2022" "$dir/interviews/2022"
      sync
    fi
    adds+=("$(measure "$bin" code --quiet)")
  done
  read -r add_s add_kb < <(printf '%s\n' "${adds[@]}" | median_line)
  # The same project rebuilt from scratch, for the ratio; its files must equal the
  # incremental run's byte for byte.
  added_digest=$(cat .verbatim/quotes.jsonl .verbatim/codings.jsonl | sha256sum)
  rm -f .verbatim/table.bin
  read -r rebuild_s rebuild_kb < <(measure "$bin" code --quiet)
  rebuilt_digest=$(cat .verbatim/quotes.jsonl .verbatim/codings.jsonl | sha256sum)
  [ "$added_digest" = "$rebuilt_digest" ] && same=true || same=false
  cd "$root"
  result=$(python3 - "$size" "$quotes" "$codings" "$megabytes" "$ingest_s" "$ingest_kb" "$code_s" "$code_kb" "$recode_s" "$report_s" "$report_kb" "$p50" "$p99" "$add_s" "$baseline" "$searched" "$process_p50" "$add_kb" "$rebuild_s" "$same" <<'PY'
import json, sys
(size, quotes, codings, mb, ingest_s, ingest_kb, code_s, code_kb, recode_s, report_s, report_kb,
 p50, p99, add_s, baseline, searched, process_p50, add_kb, rebuild_s, same) = sys.argv[1:]
base = json.loads(baseline)
code_s = float(code_s)
ran = base["seconds"] is not None
per_term = base["seconds"] / max(1, base["terms"]) if ran else None
print(json.dumps({
    "size": int(size), "quotes": int(quotes), "codings": int(codings), "megabytes": float(mb),
    "ingest_s": float(ingest_s), "ingest_mb_per_s": round(float(mb) / max(float(ingest_s), 1e-3), 1),
    "ingest_peak_mb": round(int(ingest_kb) / 1024), "code_s": code_s,
    "code_quotes_per_s": round(int(quotes) / max(code_s, 1e-3)), "code_peak_mb": round(int(code_kb) / 1024),
    "recode_s": float(recode_s), "report_s": float(report_s), "report_peak_mb": round(int(report_kb) / 1024),
    "searches": int(searched), "search_p50_ms": float(p50), "search_p99_ms": float(p99),
    "search_process_p50_ms": int(process_p50),
    "add_10k_round_s": float(add_s), "add_10k_round_peak_mb": round(int(add_kb) / 1024),
    "rebuild_with_round_s": float(rebuild_s),
    "add_share_of_rebuild": round(float(add_s) / max(float(rebuild_s), 1e-3), 4),
    "add_equals_rebuild": same == "true",
    "baseline_s": base["seconds"], "baseline_terms": base["terms"],
    "baseline_mb_per_s_per_term": round(base["megabytes"] / max(per_term, 1e-6), 1) if ran else None,
    "speedup_vs_baseline": round(base["seconds"] / max(code_s, 1e-3), 1) if ran else None,
}))
PY
)
  echo "$result" | tee "$root/benches/results/scale-$size.json"
done
