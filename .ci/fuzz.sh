#!/usr/bin/env bash
# Fuzzes every reader of Verbatim for a bounded time (fuzz/, cargo-fuzz + libFuzzer).
#
# Works on the stable toolchain: the targets are built without a sanitizer (`-s none`;
# AddressSanitizer needs nightly), with debug assertions and overflow checks on in our
# crates (fuzz/Cargo.toml), and
# libFuzzer's coverage feedback comes from the SanitizerCoverage pass that stable rustc
# runs. Each target starts from seeds copied out of our fixtures into a scratch corpus
# (fuzz/corpus/, never committed) and runs FUZZ_SECONDS seconds (default 20). Any crash
# (a panic), timeout (-timeout) or out-of-memory (-rss_limit_mb) fails the script, naming
# the input libFuzzer saved under fuzz/artifacts/<target>/.
#
#   bash .ci/fuzz.sh                      # every target, 20 s each
#   FUZZ_SECONDS=300 bash .ci/fuzz.sh search reports   # some targets, longer
#   FUZZ_JOBS=2 bash .ci/fuzz.sh          # two targets at a time (one per core)
#   FUZZ_ARGS="-max_len=100000" bash .ci/fuzz.sh search   # more libFuzzer flags (they win)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_JOBS=${FUZZ_JOBS:-1}
CARGO_FUZZ_VERSION=${CARGO_FUZZ_VERSION:-0.13.2}
# 16 codegen units build the instrumented dependencies (tantivy, candle) in about half the
# time of cargo-fuzz's default of one, for somewhat slower runs; FUZZ_CODEGEN_UNITS=1 for
# long campaigns.
FUZZ_CODEGEN_UNITS=${FUZZ_CODEGEN_UNITS:-16}

all_targets=(turns vtt srt docx docx_xml reports roster codebook config codings decisions search table qdc qdpx)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi

# The longest input each target is given (libFuzzer's -max_len), in bytes.
max_len() {
  case $1 in
    search) echo 1024 ;;
    config) echo 4096 ;;
    roster) echo 8192 ;;
    turns | vtt | srt) echo 32768 ;;
    *) echo 65536 ;;
  esac
}

echo "== cargo-fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version "$CARGO_FUZZ_VERSION"
fi
cargo fuzz --version
cargo --version

echo "== build (release; debug assertions and overflow checks in our crates; no sanitizer)"
build_start=$(date +%s)
# -s none needs no unstable flag; RUSTC_BOOTSTRAP is not set on purpose, so that this
# fails loudly rather than quietly depending on nightly features if that ever changes.
# Not `--debug-assertions`: that would turn them on in every dependency; fuzz/Cargo.toml
# turns them on for our own crates.
(cd fuzz && cargo fuzz build --release --sanitizer none \
  --codegen-units "$FUZZ_CODEGEN_UNITS")
build_seconds=$(($(date +%s) - build_start))
echo "built in ${build_seconds}s"
bin_dir="$root/fuzz/target/$(rustc -vV | sed -n 's/^host: //p')/release"

echo "== seeds"
seeds="$root/target/fuzz-seeds"
rm -rf "$seeds"
seed() { # seed TARGET FILE... (missing files and globs that match nothing are skipped)
  local target=$1
  shift
  mkdir -p "$seeds/$target"
  local file
  for file in "$@"; do
    [ -f "$file" ] || continue
    cp "$file" "$seeds/$target/$(echo "${file#"$root"/}" | tr '/' '_')"
  done
}
shopt -s nullglob
seed turns corpus/*.txt corpus/*.md tests/fixtures/*.md tests/exports/*.txt
seed vtt corpus/*.vtt tests/fixtures/*.vtt tests/exports/*.vtt
seed srt corpus/*.srt tests/fixtures/*.srt tests/exports/*.srt
seed docx corpus/*.docx tests/fixtures/*.docx tests/exports/*.docx
seed reports tests/reports/*.txt ../shared/seeds/*.txt
seed roster corpus/roster.csv tests/fixtures/roster.csv tests/seeds/*.csv
seed codebook codebooks/*.toml
seed config verbatim.toml fuzz/seeds/config/*
seed codings corpus/coding.jsonl fuzz/seeds/codings/*
seed decisions fuzz/seeds/decisions/*
seed search fuzz/seeds/search/*
seed table .verbatim/table.bin fuzz/seeds/table/*
seed qdc fuzz/seeds/qdc/*
seed qdpx fuzz/seeds/qdpx/*
# The XML inside each Word document, for the target that wraps its input in a zip.
mkdir -p "$seeds/docx_xml"
python3 - "$seeds/docx_xml" corpus/*.docx tests/fixtures/*.docx tests/exports/*.docx <<'PY'
import pathlib, sys, zipfile
out = pathlib.Path(sys.argv[1])
for path in sys.argv[2:]:
    with zipfile.ZipFile(path) as z:
        (out / (pathlib.Path(path).stem + ".xml")).write_bytes(z.read("word/document.xml"))
PY
shopt -u nullglob
for target in "${targets[@]}"; do
  if [ ! -x "$bin_dir/$target" ]; then
    echo "unknown fuzz target: $target (known: ${all_targets[*]})" >&2
    exit 1
  fi
  printf '%-9s %3d seeds\n' "$target" "$(find "$seeds/$target" -type f | wc -l)"
done

logs="$root/target/fuzz-logs"
rm -rf "$logs" "$root/target/fuzz-tmp"
mkdir -p "$logs" "$root/target/fuzz-tmp"
# The targets' scratch files (a verbatim.toml, a codings file) go here, not to /tmp.
export TMPDIR="$root/target/fuzz-tmp"

# The reproducers of past findings (fuzz/regressions/<target>/), each run once, whole (no
# -max_len): one that still fails fails the script, after the fuzzing below.
echo "== regressions"
regressions_failed=()
for target in "${targets[@]}"; do
  for input in fuzz/regressions/"$target"/*; do
    [ -f "$input" ] || continue
    if "$bin_dir/$target" -timeout=10 -rss_limit_mb=2048 "$input" >"$logs/regression.log" 2>&1; then
      echo "ok      $input"
    else
      status=$?
      echo "FAILED  $input (exit $status)"
      grep -E -A3 'panicked at|overflowed|ERROR: libFuzzer' "$logs/regression.log" | head -8 ||
        tail -3 "$logs/regression.log"
      regressions_failed+=("$input")
    fi
  done
done

echo "== fuzz: ${FUZZ_SECONDS}s per target"
fuzz_one() { # fuzz_one TARGET: runs it, leaves its log and exit status in $logs
  local target=$1
  local corpus="$root/fuzz/corpus/$target" artifacts="$root/fuzz/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  local status=0
  "$bin_dir/$target" "$corpus" "$seeds/$target" \
    -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
    -max_len="$(max_len "$target")" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} >"$logs/$target.log" 2>&1 || status=$?
  echo "$status" >"$logs/$target.status"
}
fuzz_start=$(date +%s)
running=0
for target in "${targets[@]}"; do
  echo "-- $target"
  fuzz_one "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$FUZZ_JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
fuzz_seconds=$(($(date +%s) - fuzz_start))

echo "== results"
failed=()
summary="$root/target/fuzz-summary.md"
{
  echo "| target | seeds | inputs run | inputs/s | coverage (cov) | corpus | result |"
  echo "|---|---:|---:|---:|---:|---:|---|"
} >"$summary"
for target in "${targets[@]}"; do
  log="$logs/$target.log"
  status=$(cat "$logs/$target.status")
  # (A target that fails on its first input prints no coverage: `|| true` throughout.)
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1 || true)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1 || true)
  cov=$( (grep -oE 'cov: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  corpus=$( (grep -oE 'corp: [0-9]+' "$log" || true) | tail -1 | cut -d' ' -f2)
  seeds_n=$(find "$seeds/$target" -type f | wc -l)
  result=ok
  if [ "$status" != 0 ]; then
    # libFuzzer names what it saved: "Test unit written to <path>".
    crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    kind=$(grep -oE 'ERROR: libFuzzer: [a-z-]+|panicked at [^:]+:[0-9]+' "$log" | head -1 || true)
    # A stack overflow kills the process before libFuzzer can save the input (exit 139,
    # no "Test unit written"): then the log's last lines are all there is.
    result="FAILED (exit $status${kind:+: $kind}) ${crash:-no input saved (a stack overflow saves none)}"
    failed+=("$target")
    echo "!! $target failed, exit $status; input: ${crash:-none saved}; log: $log" >&2
    grep -E -A25 'panicked at|ERROR: libFuzzer' "$log" | head -60 >&2 || tail -40 "$log" >&2
  fi
  printf '%-9s inputs run: %s\n' "$target" "${runs:-?}"
  echo "| $target | $seeds_n | ${runs:-?} | ${rate:-?} | ${cov:-?} | ${corpus:-?} | $result |" >>"$summary"
done
{
  echo
  echo "Build ${build_seconds}s; fuzzing ${fuzz_seconds}s (${FUZZ_SECONDS}s per target, $FUZZ_JOBS at a time)."
} >>"$summary"
echo
cat "$summary"
rm -rf "$root/target/fuzz-tmp"
if [ ${#regressions_failed[@]} -gt 0 ]; then
  echo "reproducers of past findings still fail: ${regressions_failed[*]}" >&2
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]} (reproduce: $bin_dir/<target> <input>)" >&2
fi
if [ ${#failed[@]} -gt 0 ] || [ ${#regressions_failed[@]} -gt 0 ]; then
  exit 1
fi
echo "fuzzing: no crash, timeout or out-of-memory in ${#targets[@]} targets; every reproducer passes"
