#!/usr/bin/env bash
# Reads transcripts exported by other tools (../shared/research/samples) with the real
# binary and checks quotes, speakers and the offset contract. Runs from .ci/run only: a
# user's fresh clone has no ../shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
samples="$root/../shared/research/samples"
bin="$root/target/debug/verbatim"
if [ ! -d "$samples" ]; then
  echo "shared samples: $samples missing; nothing to check" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$samples/qualcoder-examples/transcript.txt" "$work/qualcoder-transcript.txt"
(cd "$work" && python3 -c "import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall('qdpx')" "$samples/qualitative-coding/demo.qdpx")
cd "$work"
"$bin" ingest --json --quiet qualcoder-transcript.txt qdpx/sources > quotes.jsonl
python3 - "$bin" <<'PY'
import json, subprocess, sys, collections
bin = sys.argv[1]
quotes = [json.loads(line) for line in open("quotes.jsonl")]
texts = {}
for q in quotes:
    if q["source"] not in texts:
        texts[q["source"]] = json.loads(subprocess.run([bin, "text", "--json", q["source"]], check=True, capture_output=True).stdout)["text"]
    text = texts[q["source"]]
    assert text[q["start"]:q["end"]] == q["text"], q["id"]
by_source = collections.defaultdict(collections.Counter)
for q in quotes:
    by_source[q["source"]][q["speaker"]] += 1
qualcoder = by_source["qualcoder-transcript.txt"]
assert set(qualcoder) == {"id1", "id2", "id3"}, qualcoder
assert sum(qualcoder.values()) == 7, qualcoder
admin = by_source["qdpx/sources/admin-1.txt"]
# Max Bigman asks the questions: taken for the interviewer (with a warning), so only the
# respondent's words are quotes.
assert admin["admin-1"] >= 10 and "Max Bigman" not in admin, admin
board = by_source["qdpx/sources/board_2017.txt"]
assert len(board) >= 2, board
for source, speakers in sorted(by_source.items()):
    print(f"shared samples: {source}: {sum(speakers.values())} quotes, speakers {dict(speakers)}")
print(f"shared samples: {len(quotes)} quotes, offsets exact")
PY
