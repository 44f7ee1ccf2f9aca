#!/usr/bin/env python3
"""An independent reader of REFI-QDA codebooks (.qdc), standard library only: checks that
a .qdc holds the categories and themes of a Verbatim codebook TOML, in order, with their
names and descriptions, each code with a well-formed GUID used once.

    python3 .ci/refi_reader.py CODEBOOK.qdc CODEBOOK.toml
"""
import re
import sys
import tomllib
import xml.etree.ElementTree as ET

NS = "{urn:QDA-XML:codebook:1.0}"
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")


def fail(message):
    sys.exit(f"refi reader: {message}")


def main(qdc, toml_path):
    with open(qdc, "rb") as f:
        text = f.read()
    if b"<!DOCTYPE" in text:
        fail(f"{qdc}: declares a DOCTYPE")
    root = ET.fromstring(text)
    if root.tag != NS + "CodeBook":
        fail(f"{qdc}: root is {root.tag}")
    with open(toml_path, "rb") as f:
        codebook = tomllib.load(f)
    guids = set()
    read = []  # (category name, category description, [(theme name, description)])
    for code in root.find(NS + "Codes").findall(NS + "Code"):
        for c in code.iter(NS + "Code"):
            guid = c.get("guid", "")
            if not GUID.match(guid) or guid.lower() in guids:
                fail(f"{qdc}: bad or repeated guid {guid!r}")
            guids.add(guid.lower())
        if code.get("isCodable") != "false":
            fail(f"{qdc}: category {code.get('name')!r} is codable")
        description = code.findtext(NS + "Description")
        themes = []
        for theme in code.findall(NS + "Code"):
            if theme.get("isCodable") != "true":
                fail(f"{qdc}: theme {theme.get('name')!r} is not codable")
            themes.append((theme.get("name"), theme.findtext(NS + "Description") or ""))
        read.append((code.get("name"), description, themes))
    expected = []
    for category in codebook.get("category", []):
        themes = [t for t in codebook.get("theme", []) if t["category"] == category["id"]]
        if themes:
            expected.append((category["name"], category.get("description"), themes))
    if [r[0] for r in read] != [e[0] for e in expected]:
        fail(f"{qdc}: categories {[r[0] for r in read]} != {[e[0] for e in expected]}")
    for (name, description, themes), (_, want_description, want_themes) in zip(read, expected):
        if description != want_description:
            fail(f"{qdc}: category {name!r} description differs")
        if [t[0] for t in themes] != [t["name"] for t in want_themes]:
            fail(f"{qdc}: themes of {name!r} differ")
        for (theme, text), want in zip(themes, want_themes):
            if want.get("description") and not text.startswith(want["description"]):
                fail(f"{qdc}: description of {theme!r} differs")
    count = sum(len(r[2]) for r in read)
    print(f"refi reader: {qdc.rsplit('/', 1)[-1]}: {len(read)} categories, {count} themes, "
          f"{len(guids)} guids, as in {toml_path.rsplit('/', 1)[-1]}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
