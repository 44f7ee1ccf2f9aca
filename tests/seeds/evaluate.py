#!/usr/bin/env python3
"""Scores report quotes (verbatim ingest --json output) against an expected list.

usage: evaluate.py QUOTES_JSONL EXPECTED_TSV [--min-recall R] [--min-precision P]
       [--min-attribution A] [--column speaker|role]

EXPECTED_TSV has a header and one row per interview quote: the quote's first five words,
then the speaker (or `-` for anonymous), optionally more columns. Quotes are matched in
document order by their first five words (case, punctuation and quote marks ignored).
Prints recall, precision and attribution accuracy over the matched named quotes, lists
every miss, and exits 1 when a figure is under its threshold.
"""
import json
import re
import sys


def words(text, n=5):
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    tokens = re.findall(r"[\w']+", text.lower())
    return " ".join(tokens[:n])


def name_key(name):
    if not name or name == "-":
        return None
    tokens = re.findall(r"[\w'-]+", name.lower())
    titles = {"professor", "prof", "dr", "cllr", "councillor", "sir", "dame", "mr", "mrs", "ms"}
    tokens = [t for t in tokens if t not in titles]
    return " ".join(tokens)


def main():
    args = sys.argv[1:]
    options = {"--min-recall": 0.0, "--min-precision": 0.0, "--min-attribution": 0.0}
    columns = []
    positional = []
    i = 0
    while i < len(args):
        if args[i] in options:
            options[args[i]] = float(args[i + 1])
            i += 2
        elif args[i] == "--column":
            columns.append(args[i + 1])
            i += 2
        else:
            positional.append(args[i])
            i += 1
    quotes_path, expected_path = positional
    quotes = [json.loads(line) for line in open(quotes_path, encoding="utf-8") if line.strip()]
    rows = [line.rstrip("\n").split("\t") for line in open(expected_path, encoding="utf-8")]
    header, rows = rows[0], [r for r in rows[1:] if r and r[0]]
    columns = columns or ["speaker"]

    matched = []
    unmatched_quotes = list(range(len(quotes)))
    cursor = 0
    missing = []
    for row in rows:
        key = words(row[0])
        found = None
        for j in range(cursor, len(quotes)):
            if words(quotes[j]["text"], len(key.split())) == key:
                found = j
                break
        if found is None:
            missing.append(row)
            continue
        matched.append((row, quotes[found]))
        unmatched_quotes.remove(found)
        cursor = found + 1

    def fits(row, q, column):
        expected = row[header.index(column)] if header.index(column) < len(row) else "-"
        got = q.get(column)
        if column == "speaker":
            return name_key(got) == name_key(expected), got
        return (got or "-").lower() == expected.lower(), got

    judged = [
        (row, q)
        for row, q in matched
        if "speaker" not in columns or name_key(row[header.index("speaker")])
    ]
    right = 0
    wrong = []
    for row, q in judged:
        verdicts = [(column, *fits(row, q, column)) for column in columns]
        if all(ok for _, ok, _ in verdicts):
            right += 1
        else:
            wrong.append((row, [(c, got) for c, ok, got in verdicts if not ok]))
    named = judged
    column = "/".join(columns)
    recall = len(matched) / len(rows) if rows else 1.0
    precision = len(matched) / len(quotes) if quotes else 1.0
    attribution = right / len(named) if named else 1.0
    print(f"{expected_path}: {len(rows)} expected, {len(quotes)} extracted, {len(matched)} matched")
    print(f"  recall {recall:.3f}  precision {precision:.3f}  attribution ({column}) {attribution:.3f} over {len(named)}")
    for row in missing:
        print(f"  missed: {row[0]!r} ({row[1:]})")
    for j in unmatched_quotes:
        print(f"  extra: {quotes[j]['id']} {words(quotes[j]['text'], 8)!r}")
    for row, errors in wrong:
        detail = ", ".join(f"{c} {got!r}" for c, got in errors)
        print(f"  wrong: {row[0]!r} (expected {row[1:]!r}); got {detail}")
    failed = (
        recall < options["--min-recall"]
        or precision < options["--min-precision"]
        or attribution < options["--min-attribution"]
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
