#!/usr/bin/env bash
# Proves two builds of verbatim give byte-identical results: every command's standard
# output, error output and exit code, and the files they write (quotes, codings, reports),
# on the bundled corpus and on a generated project of SIZE quotes, with a new round added
# (the in-place append path) and a source changed (the incremental path).
#
# usage: benches/same-output.sh OLD_BINARY NEW_BINARY [SIZE]   (SIZE default 100000;
#        0 skips the generated project). Exits non-zero, with a diff, on any difference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
old=$(realpath "$1")
new=$(realpath "$2")
size=${3:-100000}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT

# Both sides run in the same folder, one after the other, since paths appear in output.
# record SIDE NAME DIR ARGS...: records a command's outputs under $work/out/NAME/
record() {
  local side=$1 name=$2 dir=$3
  shift 3
  local bin=$old
  [ "$side" = new ] && bin=$new
  local out="$work/out/$side/$name"
  mkdir -p "$(dirname "$out")"
  set +e
  (cd "$dir" && "$bin" "$@" >"$out.stdout" 2>"$out.stderr")
  echo $? >"$out.status"
  set -e
}

# keep SIDE NAME DIR FILES...: copies state files for comparison
keep() {
  local side=$1 name=$2 dir=$3
  shift 3
  mkdir -p "$work/out/$side/$name"
  for file in "$@"; do
    [ -e "$dir/$file" ] && cp "$dir/$file" "$work/out/$side/$name/$(echo "$file" | tr / _)"
  done
}

corpus() { # SIDE: the bundled corpus, every command
  local side=$1 dir="$work/run/corpus"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$root/corpus" "$root/codebooks" "$root/verbatim.toml" "$root/tests/reports" "$dir/"
  local cb=codebooks/seizing-the-moment-2020.toml
  record "$side" corpus/ingest "$dir" ingest
  keep "$side" corpus/ingest-state "$dir" .verbatim/quotes.jsonl
  record "$side" corpus/ingest-json "$dir" ingest --json
  record "$side" corpus/ingest-paths "$dir" ingest corpus/ corpus/ni-police.vtt
  record "$side" corpus/ingest-paths-json "$dir" ingest --json --keep-interviewer corpus/
  record "$side" corpus/ingest-report "$dir" ingest --json reports/2021-round-report.txt
  record "$side" corpus/explain-before-code "$dir" explain bradford-council-ceo:5
  record "$side" corpus/agree-before-code "$dir" agree corpus/coding.jsonl corpus/coding.jsonl --gold reference
  rm -rf "$dir/.verbatim"
  record "$side" corpus/code "$dir" code
  keep "$side" corpus/code-state "$dir" .verbatim/quotes.jsonl .verbatim/codings.jsonl
  record "$side" corpus/code-again "$dir" code
  record "$side" corpus/code-json "$dir" code --json
  record "$side" corpus/code-paths-json "$dir" code --json --codebook "$cb" corpus/surrey-leader.txt
  record "$side" corpus/code-codebook "$dir" code --codebook codebooks/leadership-actions-2019.toml
  keep "$side" corpus/code-codebook-state "$dir" .verbatim/quotes.jsonl .verbatim/codings.jsonl
  record "$side" corpus/code-back "$dir" code
  record "$side" corpus/explain "$dir" explain bradford-council-ceo:5
  record "$side" corpus/explain-json "$dir" explain --json wigan-food-network:3
  record "$side" corpus/explain-missing "$dir" explain nobody:1
  record "$side" corpus/search "$dir" search volunteers
  record "$side" corpus/search-json "$dir" search --json '"second wave" OR exhaust*' --limit 5
  record "$side" corpus/search-theme "$dir" search --theme challenge.fatigue
  record "$side" corpus/search-filters "$dir" search --json staff --area Leeds --sector health
  record "$side" corpus/search-in "$dir" search --json --in corpus/bradford-council-ceo.txt council
  record "$side" corpus/search-bad "$dir" search '"unclosed'
  printf 'volunteers\n"food bank"\ncouncil OR police\n' >"$dir/queries.txt"
  record "$side" corpus/search-batch "$dir" search --batch queries.txt --theme achievement.relationships
  record "$side" corpus/report "$dir" report
  record "$side" corpus/report-json "$dir" report --json --by role --by round --normalise
  record "$side" corpus/report-where "$dir" report --where sector=council --origin auto --min-score 0.5
  record "$side" corpus/report-csv "$dir" report --format csv
  record "$side" corpus/report-wide "$dir" report --format csv-wide --theme challenge.fatigue
  record "$side" corpus/report-html "$dir" report --out out.html
  keep "$side" corpus/report-html-file "$dir" out.html
  record "$side" corpus/report-paths "$dir" report --codebook "$cb" corpus/nwl-ccg.txt
  record "$side" corpus/report-bad-by "$dir" report --by colour
  record "$side" corpus/run "$dir" run
  keep "$side" corpus/run-file "$dir" report.html
  record "$side" corpus/agree "$dir" agree corpus/coding.jsonl verbatim --gold reference
  record "$side" corpus/agree-json "$dir" agree --json --unit char corpus/coding.jsonl verbatim
  record "$side" corpus/codebook-check "$dir" codebook check
  record "$side" corpus/codebook-show "$dir" codebook show --json
  record "$side" corpus/text "$dir" text corpus/gwent-police.docx
  record "$side" corpus/roster "$dir" roster extract reports/2021-round-report.txt
  # A manual coding at the head, then a changed source: the incremental path.
  (cd "$dir" && head -3 corpus/coding.jsonl >.verbatim/manual && cat .verbatim/manual .verbatim/codings.jsonl >.verbatim/c && mv .verbatim/c .verbatim/codings.jsonl && rm .verbatim/manual)
  echo "Jo Whitcombe: And now?" >>"$dir/corpus/nwl-ccg.txt"
  echo "" >>"$dir/corpus/nwl-ccg.txt"
  echo "Priya Raman: We are tired, honestly, the second wave exhausted the staff." >>"$dir/corpus/nwl-ccg.txt"
  record "$side" corpus/code-changed "$dir" code
  keep "$side" corpus/code-changed-state "$dir" .verbatim/quotes.jsonl .verbatim/codings.jsonl
  record "$side" corpus/report-changed "$dir" report --json
}

generated() { # SIDE: a generated project, coded, reported, searched, a round added
  local side=$1 dir="$work/run/generated"
  rm -rf "$dir"
  mkdir -p "$work/run"
  cp -r "$work/generated" "$dir"
  record "$side" gen/ingest "$dir" ingest
  keep "$side" gen/ingest-state "$dir" .verbatim/quotes.jsonl
  rm -rf "$dir/.verbatim"
  record "$side" gen/code "$dir" code
  keep "$side" gen/code-state "$dir" .verbatim/quotes.jsonl .verbatim/codings.jsonl
  record "$side" gen/report "$dir" report --json --by area --by sector --by role
  record "$side" gen/search "$dir" search --batch "$work/generated-queries.txt"
  cp -r "$work/round/interviews/2022" "$dir/interviews/2022"
  record "$side" gen/code-round "$dir" code
  keep "$side" gen/code-round-state "$dir" .verbatim/quotes.jsonl .verbatim/codings.jsonl
  record "$side" gen/search-round "$dir" search --batch "$work/generated-queries.txt" --area Leeds
}

corpus old
corpus new
if [ "$size" -gt 0 ]; then
  codebook="$root/codebooks/seizing-the-moment-2020.toml"
  "$old" generate --quiet --quotes "$size" --codebook "$codebook" --out "$work/generated"
  "$old" generate --quiet --quotes 7500 --seed 7 --round 2022 --codebook "$codebook" --out "$work/round"
  printf 'staff\nvolunteers council\n"food bank"\ntired OR exhausted\n' >"$work/generated-queries.txt"
  generated old
  generated new
fi
if diff -r "$work/out/old" "$work/out/new"; then
  echo "same output: $(find "$work/out/old" -type f | wc -l) outputs identical (corpus; generated: $size quotes)"
else
  echo "outputs differ" >&2
  exit 1
fi
