#!/usr/bin/env bash
# Acceptance of report extraction on the study's public write-ups (../shared/seeds), with
# the real binary. The expected lists in tests/seeds/ were written by reading the texts.
# Runs from .ci/run only: a user's fresh clone has no ../shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seeds="$root/../shared/seeds"
bin="$root/target/debug/verbatim"
check="$root/tests/seeds/evaluate.py"
if [ ! -d "$seeds" ]; then
  echo "report seeds: $seeds missing; nothing to check" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "-- 2020 report, first half, with the roster of its speakers: every quote, right speaker, nothing else"
"$bin" ingest --json --quiet --roster "$root/tests/seeds/003-part1.roster.csv" "$seeds/003_5a9aa2a109ebfd2a-part1.txt" > 003.jsonl
python3 "$check" 003.jsonl "$root/tests/seeds/003-part1.expected.tsv" --min-recall 1 --min-precision 1 --min-attribution 1

echo "-- the same with no roster: speakers named as the report writes them"
"$bin" ingest --json --quiet "$seeds/003_5a9aa2a109ebfd2a-part1.txt" > 003-bare.jsonl
python3 "$check" 003-bare.jsonl "$root/tests/seeds/003-part1.expected.tsv" --min-recall 1 --min-precision 1 --min-attribution 0.95

echo "-- 2017 summary: unmarked pull quotes with their roles and sectors"
"$bin" ingest --json --quiet "$seeds/002_5e8620ec4e8ee36e.txt" > 002.jsonl
python3 "$check" 002.jsonl "$root/tests/seeds/002.expected.tsv" --column role --column sector --min-recall 1 --min-precision 1 --min-attribution 1

echo "-- blog posts: scare quotes and titles are not taken"
for seed in 001_e49d831f12898e66 004_3cd29ad1c81a3738; do
  count=$("$bin" ingest --json --quiet "$seeds/$seed.txt" | wc -l)
  echo "$seed: $count quotes"
  [ "$count" -eq 0 ] || { echo "expected no quotes in $seed" >&2; exit 1; }
done

echo "-- coding the 2020 report's achievement quotes against the authors' sections"
"$root/target/release/verbatim" code --json --quiet --codebook "$root/codebooks/seizing-the-moment-2020.toml" "$seeds/003_5a9aa2a109ebfd2a-part1.txt" > 003-coded.jsonl
python3 "$root/tests/seeds/sections.py" 003-coded.jsonl --min-top1 0.45 --min-top3 0.6
