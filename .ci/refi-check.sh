#!/usr/bin/env bash
# REFI-QDA files we write, checked by others, and files others wrote, read by us.
# - Every bundled codebook exported as .qdc validates against the official schema
#   (xmllint, Debian's libxml2-utils, with ../shared/research/refi/Codebook.xsd) and is read
#   back by an independent reader (Python's standard library only: .ci/refi_reader.py).
# - The bundled project with a researcher's decisions, exported as .qdpx, validates against
#   Project.xsd and is read back by .ci/refi_project_reader.py with every quote at its
#   offsets and every code where it belongs; imported again, it codes every quote the same.
# - demo.qdpx (qualitative-coding) and nvivo_project.qdpx (NVivo) import with the counts
#   their XML holds, and the imported projects run `report` and export valid .qdpx again.
# Runs from .ci/run only: a user's fresh clone has no ../shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
schema="$root/../shared/research/refi/Codebook.xsd"
project_schema="$root/../shared/research/refi/Project.xsd"
samples="$root/../shared/research/samples/qualitative-coding"
for needed in "$schema" "$project_schema" "$samples/demo.qdpx" "$samples/nvivo_project.qdpx"; do
  if [ ! -f "$needed" ]; then
    echo "refi check: $needed missing" >&2
    exit 1
  fi
done
export VERBATIM_MODEL=none
# project.qde out of an archive, without needing unzip.
qde_of() { python3 -c 'import sys, zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("project.qde"))' "$1"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for codebook in "$root"/codebooks/*.toml; do
  name=$(basename "$codebook" .toml)
  "$bin" export --format qdc --codebook "$codebook" --out "$work/$name.qdc" --quiet
  xmllint --noout --schema "$schema" "$work/$name.qdc"
  python3 "$root/.ci/refi_reader.py" "$work/$name.qdc" "$codebook"
  # And back: our import of our export is the codebook we started from.
  (cd "$work" && "$bin" import "$name.qdc" --out "$name.back.toml" --quiet)
  "$bin" codebook check "$work/$name.back.toml" > /dev/null
done
echo "refi check: every bundled codebook exports to a valid .qdc that reads back the same"

# The bundled project, with decisions of every kind, out as .qdpx and back.
project="$work/project"
mkdir -p "$project"
cp -r "$root/verbatim.toml" "$root/corpus" "$root/codebooks" "$project/"
cd "$project"
first=$("$bin" code --json --quiet | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')
{
  "$bin" coding add "$first" challenge.fatigue --coder ann --memo "tired, in her words" --quiet
  "$bin" memo add "$first" "ask about the rota" --quiet
  "$bin" memo add challenge.fatigue "volunteers count too" --quiet
} > /dev/null
"$bin" code --json --quiet > "$work/quotes.jsonl"
"$bin" export --format qdpx --automatic --out "$work/study.qdpx" --quiet
qde_of "$work/study.qdpx" > "$work/study.qde"
xmllint --noout --schema "$project_schema" "$work/study.qde"
python3 "$root/.ci/refi_project_reader.py" check "$work/study.qdpx" "$project" "$work/quotes.jsonl"
cd "$work"
"$bin" import study.qdpx --out back --quiet
(cd back && "$bin" code --json --quiet > "$work/back.jsonl")
if ! cmp -s "$work/quotes.jsonl" "$work/back.jsonl"; then
  echo "refi check: the project imported from its own .qdpx codes differently" >&2
  diff <(head -c 2000 "$work/quotes.jsonl") <(head -c 2000 "$work/back.jsonl") >&2 || true
  exit 1
fi
echo "refi check: the bundled project's .qdpx is valid, reads back by an independent reader, and imports to identical codings"

# A published REFI reader from PyPI: qualitative-coding's `qc init --import` (it checks the
# schema with xmlschema, then copies each source under its name and reads its codings).
# 1.7.8 left a breakpoint() in its reader, hence PYTHONBREAKPOINT=0.
python3 -m pip install --quiet --disable-pip-version-check --target "$work/qc" "qualitative-coding==1.7.8" 2>&1 \
  | grep -v "dependency resolver\|dependency conflicts\|requires \|Running pip as" || true
mkdir "$work/qc-project"
(cd "$work/qc-project" && PYTHONBREAKPOINT=0 PYTHONPATH="$work/qc" python3 "$work/qc/bin/qc" init --import "$work/study.qdpx" > "$work/qc.log" 2>&1) \
  || { tail -20 "$work/qc.log" >&2; echo "refi check: qc could not import our .qdpx" >&2; exit 1; }
python3 - "$work/qc-project/qualitative_coding.sqlite3" "$work/study.qde" <<'PY'
import sqlite3, sys, xml.etree.ElementTree as ET
ns = "{urn:QDA-XML:project:1.0}"
qde = ET.parse(sys.argv[2]).getroot()
db = sqlite3.connect(sys.argv[1])
documents = db.execute("select count(*) from document").fetchone()[0]
coders = sorted(r[0] for r in db.execute("select name from coder"))
lines = db.execute("select count(*) from coded_line").fetchone()[0]
sources = len(qde.findall(f"{ns}Sources/{ns}TextSource"))
users = sorted(u.get("name") for u in qde.iter(ns + "User"))
if documents != sources or coders != users or lines == 0:
    sys.exit(f"refi check: qc read {documents} documents, coders {coders}, {lines} coded lines; "
             f"we wrote {sources} sources, users {users}")
print(f"refi check: qc (qualitative-coding 1.7.8, from PyPI) imports our .qdpx: {documents} documents, "
      f"coders {coders}, {lines} coded lines")
PY

# Projects other tools wrote.
for sample in demo nvivo_project; do
  expected=$(python3 "$root/.ci/refi_project_reader.py" count "$samples/$sample.qdpx")
  got=$("$bin" import "$samples/$sample.qdpx" --out "$sample" --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(json.dumps({"sources": s["sources"], "codes": s["themes"], "selections": s["selections"], "codings": s["codings"]}, sort_keys=True))')
  if [ "$expected" != "$got" ]; then
    echo "refi check: $sample.qdpx: the XML holds $expected, the import read $got" >&2
    exit 1
  fi
  (cd "$sample" && "$bin" report --quiet > /dev/null \
    && "$bin" export --format qdpx --out again.qdpx --quiet \
    && qde_of again.qdpx > again.qde \
    && xmllint --noout --schema "$project_schema" again.qde)
  echo "refi check: $sample.qdpx imports with what its XML holds ($got), reports and exports valid .qdpx"
done
