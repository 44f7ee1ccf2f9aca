#!/usr/bin/env bash
# REFI-QDA codebooks we write, checked by others: every bundled codebook exported as .qdc
# validates against the official schema (xmllint, Debian's libxml2-utils, with
# ../shared/research/refi/Codebook.xsd) and is read back by an independent reader (Python's
# standard library only: .ci/refi_reader.py) with the same categories, themes and
# descriptions as the TOML. Runs from .ci/run only: a user's fresh clone has no ../shared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/release/verbatim"
schema="$root/../shared/research/refi/Codebook.xsd"
if [ ! -f "$schema" ]; then
  echo "refi check: $schema missing" >&2
  exit 1
fi
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
