#!/usr/bin/env python3
"""Scores `verbatim code --json` output on the 2020 report's first half against the authors'
own coding: each quote's section heading in the report names its achievement theme. The
coder never reads headings, so this is a fair test of the rules.

usage: sections.py CODED_JSONL [--min-top1 R] [--min-top3 R]
"""
import json
import sys
# section heading (lowercase prefix) -> theme id: the report authors' own placement
MAP = {
 "building much stronger cross public service relationships": "achievement.relationships",
 "transforming services at an extraordinary pace": "achievement.pace",
 "working closely with voluntary and community groups": "achievement.voluntary-community",
 "involving diverse organisations": "achievement.diverse-organisations",
 "sharing data much more": "achievement.data-sharing",
 "maximising digital approaches": "achievement.digital",
 "being bold, taking the initiative": "achievement.bold-initiative",
 "accelerating transformation": "achievement.accelerating",
 "taking a fresh approach": "achievement.fresh-approach",
 "engaging the workforce": "achievement.workforce",
 "working across sub-regions": "achievement.sub-regions",
}
args = sys.argv[1:]
limits = {"--min-top1": 0.0, "--min-top3": 0.0}
for flag in list(limits):
    if flag in args:
        at = args.index(flag)
        limits[flag] = float(args[at + 1])
        del args[at:at + 2]
quotes = [json.loads(l) for l in open(args[0])]
n = t1 = t3 = c1 = 0
for q in quotes:
    sec = (q.get('section') or '').lower()
    want = MAP.get(sec)
    if not want:
        # running headers make the section of a page-broken quote the running title; skip
        continue
    n += 1
    themes = [c['theme'] for c in q['codes']]
    ok1 = themes[:1] == [want]; ok3 = want in themes[:3]
    t1 += ok1; t3 += ok3; c1 += bool(themes) and themes[0].split('.')[0] == 'achievement'
    if not ok3: print("  miss", want, "->", themes[:3], "|", q['text'][:70])
print(f"achievement quotes {n}: top1 {t1/n:.3f} top3 {t3/n:.3f} category-first {c1/n:.3f}")
sys.exit(1 if t1 / n < limits["--min-top1"] or t3 / n < limits["--min-top3"] else 0)
