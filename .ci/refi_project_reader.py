#!/usr/bin/env python3
"""An independent reader of REFI-QDA projects (.qdpx), standard library only.

    python3 .ci/refi_project_reader.py count ARCHIVE.qdpx
        prints, as JSON, what the archive's project.qde holds: text sources, codable codes,
        selections and codings (one per CodeRef), counted straight from the XML.

    python3 .ci/refi_project_reader.py check ARCHIVE.qdpx PROJECT_DIR QUOTES.jsonl
        checks a Verbatim export against the project it came from: GUIDs well formed and
        unique, every reference resolving, every text source's plain text in sources/ as
        UTF-8, every quote of QUOTES.jsonl (`verbatim code --json`) cut from its source's
        text at its char offsets, every manual code of PROJECT_DIR/codings.jsonl present as
        a selection whose text is the decision's text, coded by its coder with the theme
        of that name, every automatic code likewise, and the roster's people as cases.
"""
import json
import re
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile

NS = "{urn:QDA-XML:project:1.0}"
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
AUTOMATIC = "Verbatim automatic coder"


def fail(message):
    sys.exit(f"refi project reader: {message}")


def norm(guid):
    return guid.strip("{}").lower()


def open_archive(path):
    archive = zipfile.ZipFile(path)
    names = {}
    for info in archive.infolist():
        if info.filename.startswith("/") or ".." in info.filename.split("/"):
            fail(f"{path}: unsafe entry {info.filename!r}")
        names[info.filename.lower()] = info.filename
    if "project.qde" not in names:
        fail(f"{path}: no project.qde")
    qde = archive.read(names["project.qde"])
    if b"<!DOCTYPE" in qde:
        fail(f"{path}: project.qde declares a DOCTYPE")
    return archive, names, ET.fromstring(qde)


def source_text(path, archive, names, source):
    plain = source.get("plainTextPath")
    if plain is None:
        return source.findtext(NS + "PlainTextContent") or ""
    inner = plain.removeprefix("internal://")
    key = ("sources/" + inner).lower()
    if key not in names:
        fail(f"{path}: {plain} is not in the archive")
    return archive.read(names[key]).decode("utf-8")


def count(path):
    _, _, root = open_archive(path)
    codings = sum(len(c.findall(NS + "CodeRef")) for c in root.iter(NS + "Coding"))
    print(json.dumps({
        "sources": len(root.findall(f"{NS}Sources/{NS}TextSource")),
        "codes": sum(1 for c in root.iter(NS + "Code") if c.get("isCodable") == "true"),
        "selections": len(list(root.iter(NS + "PlainTextSelection"))),
        "codings": codings,
    }, sort_keys=True))


def check(path, project_dir, quotes_path):
    archive, names, root = open_archive(path)
    if root.tag != NS + "Project":
        fail(f"{path}: root is {root.tag}")
    guids = {}
    for element in root.iter():
        guid = element.get("guid")
        if guid is None:
            continue
        if not GUID.match(guid) or norm(guid) in guids:
            fail(f"{path}: bad or repeated guid {guid!r}")
        guids[norm(guid)] = element
    for element in root.iter():
        target = element.get("targetGUID")
        if target is not None and norm(target) not in guids:
            fail(f"{path}: {element.tag} refers to {target}, which is not there")
    users = {norm(u.get("guid")): u.get("name") for u in root.iter(NS + "User")}
    codes = {norm(c.get("guid")): c.get("name") for c in root.iter(NS + "Code")}
    # Sources are named by file name; Verbatim's settings give their project paths.
    settings = tomllib.loads(archive.read(names["verbatim/project.toml"]).decode("utf-8"))
    paths = settings.get("source_paths", {})
    texts, spans = {}, {}
    for source in root.findall(f"{NS}Sources/{NS}TextSource"):
        if "/" in source.get("name"):
            fail(f"{path}: source name {source.get('name')!r} is a path, not a file name")
        name = paths.get(norm(source.get("guid")), source.get("name"))
        text = source_text(path, archive, names, source)
        texts[name] = text
        for selection in source.findall(NS + "PlainTextSelection"):
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            if not 0 <= start <= end <= len(text):
                fail(f"{path}: selection {start}-{end} outside {name} ({len(text)} chars)")
            for coding in selection.findall(NS + "Coding"):
                user = users.get(norm(coding.get("creatingUser", "")), None)
                for ref in coding.findall(NS + "CodeRef"):
                    spans.setdefault((name, start, end), set()).add((codes[norm(ref.get("targetGUID"))], user))

    with open(f"{project_dir}/verbatim.toml", "rb") as f:
        config = tomllib.load(f)["project"]
    with open(f"{project_dir}/{config['codebook']}", "rb") as f:
        codebook = tomllib.load(f)
    theme_names = {t["id"]: t["name"] for t in codebook["theme"]}
    codable = sorted(c.get("name") for c in root.iter(NS + "Code") if c.get("isCodable") == "true")
    if codable != sorted(theme_names.values()):
        fail(f"{path}: codable codes differ from the codebook's themes")

    quotes = [json.loads(line) for line in open(quotes_path, encoding="utf-8")]
    automatic = 0
    for quote in quotes:
        text = texts.get(quote["source"])
        if text is None:
            fail(f"{path}: no text source for {quote['source']}")
        if text[quote["start"]:quote["end"]] != quote["text"]:
            fail(f"{path}: quote {quote['id']} is not at {quote['start']}-{quote['end']} of its source's text")
        for code in quote["codes"]:
            if code["origin"] != "auto":
                continue
            key = (quote["source"], quote["start"], quote["end"])
            if (theme_names[code["theme"]], AUTOMATIC) not in spans.get(key, set()):
                fail(f"{path}: automatic code {code['theme']} of {quote['id']} is missing")
            automatic += 1

    manual = 0
    try:
        lines = open(f"{project_dir}/codings.jsonl", encoding="utf-8").read().splitlines()
    except FileNotFoundError:
        lines = []
    for line in lines:
        decision = json.loads(line)
        if decision.get("kind", "code") != "code" or decision.get("orphaned") or "theme" not in decision:
            continue
        key = (decision["source"], decision["start"], decision["end"])
        if texts[key[0]][key[1]:key[2]] != decision["text"]:
            fail(f"{path}: the text at {key} is not the decision's text")
        if (theme_names[decision["theme"]], decision.get("coder")) not in spans.get(key, set()):
            fail(f"{path}: manual code {decision['theme']} at {key} is missing")
        manual += 1

    cases = sorted(c.get("name") for c in root.iter(NS + "Case"))
    roster = config.get("roster")
    if roster:
        import csv
        with open(f"{project_dir}/{roster}", encoding="utf-8") as f:
            people = sorted(row["name"] for row in csv.DictReader(f))
        if cases != people:
            fail(f"{path}: cases {cases} differ from the roster {people}")
    print(f"refi project reader: {path.rsplit('/', 1)[-1]}: {len(texts)} sources, "
          f"{len(quotes)} quotes at their offsets, {manual} manual and {automatic} automatic "
          f"codes found, {len(cases)} cases, {len(guids)} guids")


if __name__ == "__main__":
    if sys.argv[1:2] == ["count"] and len(sys.argv) == 3:
        count(sys.argv[2])
    elif sys.argv[1:2] == ["check"] and len(sys.argv) == 5:
        check(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
