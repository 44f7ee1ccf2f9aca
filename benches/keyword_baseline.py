#!/usr/bin/env python3
"""The baseline the scale harness compares against: a keyword auto-coder written the way
desktop CAQDAS tools do it (one case-insensitive regular-expression pass over the whole
text per codebook term), on the same quotes and codebook.

usage: keyword_baseline.py QUOTES_JSONL CODEBOOK_TOML
Prints one JSON object: seconds, megabytes of text, terms, codes found.
"""
import json
import re
import sys
import time
import tomllib


def main():
    quotes_path, codebook_path = sys.argv[1], sys.argv[2]
    with open(codebook_path, "rb") as handle:
        codebook = tomllib.load(handle)
    terms = []
    for theme in codebook.get("theme", []):
        for rule in theme.get("rules", []):
            for term in rule.get("any", []) + rule.get("all", []):
                terms.append((theme["id"], term))
    texts = []
    with open(quotes_path, encoding="utf-8") as handle:
        for line in handle:
            quote = json.loads(line)
            texts.append((quote["id"], quote["text"]))
    corpus = "\n".join(text for _, text in texts)
    starts = []
    position = 0
    for _, text in texts:
        starts.append(position)
        position += len(text) + 1
    began = time.perf_counter()
    coded = set()
    import bisect
    for theme, term in terms:
        pattern = re.compile(r"\b" + re.escape(term) + r"\b", re.IGNORECASE)
        for match in pattern.finditer(corpus):
            quote = bisect.bisect_right(starts, match.start()) - 1
            coded.add((texts[quote][0], theme))
    seconds = time.perf_counter() - began
    print(json.dumps({
        "seconds": round(seconds, 3),
        "megabytes": round(len(corpus.encode("utf-8")) / 1e6, 2),
        "terms": len(terms),
        "codes": len(coded),
    }))


if __name__ == "__main__":
    main()
