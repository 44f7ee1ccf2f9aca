"""Projects for the reliability scripts (.ci/kill-test.sh, .ci/disk-full.sh).

Each scenario gets a project folder of its own, a copy of the bundled corpus, codebooks
and verbatim.toml plus a small second round, coded, given manual codings and coded
again ("settled"); then the scenario's change is made (a codebook edit, a source edit, a
new round in verbatim.toml) and `.verbatim/` is saved as the scenario's starting state.
A trial restores only `.verbatim/` (and removes report.html): the sources are never
rewritten, so their stamps (size, mtime, ctime) stay those the table recorded and
incremental runs stay incremental.
"""

import json
import os
import shutil
import subprocess
import time

QUERIES = [["tired OR exhausted"], ["--theme", "challenge.fatigue"], ['"second wave"'],
           ["volunteer*", "--area", "Leeds"], ["helpers"], ["--theme", "challenge.kill-test"]]
T0 = 1_700_000_000


class Verbatim:
    def __init__(self, binary, on_panic):
        self.binary = binary
        self.on_panic = on_panic

    def run(self, cwd, args, check=True, prefix=()):
        done = subprocess.run([*prefix, self.binary, *args], cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        err = done.stderr.decode("utf-8", "replace")
        if "panicked at" in err or "thread 'main'" in err:
            self.on_panic(f"`verbatim {' '.join(args)}` panicked: {err.strip()[:400]}")
        if check and done.returncode != 0:
            raise SystemExit(f"`verbatim {' '.join(args)}` in {cwd} failed "
                             f"({done.returncode}): {err}")
        return done


class Scenario:
    def __init__(self, name, folder, command, start, manual):
        self.name, self.folder, self.command = name, folder, command
        self.start = start          # saved .verbatim/, or None for a fresh project
        self.manual = manual        # the manual codings lines expected at the head

    def restore(self):
        state = os.path.join(self.folder, ".verbatim")
        shutil.rmtree(state, ignore_errors=True)
        report = os.path.join(self.folder, "report.html")
        if os.path.exists(report):
            os.remove(report)
        if self.start is not None:
            shutil.copytree(self.start, state, symlinks=True)  # copy2: mtimes kept

    def outcome(self, verbatim):
        """The state files that matter and the readers' answers, after a finished run."""
        result = {}
        state = os.path.join(self.folder, ".verbatim")
        for name in ("quotes.jsonl", "codings.jsonl"):
            path = os.path.join(state, name)
            result[name] = open(path, "rb").read() if os.path.exists(path) else None
        if self.command == ["run"]:
            result["report.html"] = open(os.path.join(self.folder, "report.html"), "rb").read()
        if self.command != ["ingest"]:
            result.update(self.answers(verbatim))
        return result

    def answers(self, verbatim, prefix=()):
        """`report --json` and `search --json` answers: exit code and standard output."""
        result = {}
        done = verbatim.run(self.folder, ["report", "--json"], check=False, prefix=prefix)
        result["report --json"] = (done.returncode, done.stdout)
        for query in QUERIES:
            done = verbatim.run(self.folder, ["search", "--json", *query], check=False,
                                prefix=prefix)
            result["search --json " + " ".join(query)] = (done.returncode, done.stdout)
        return result

    def manual_kept(self):
        """The project's codings file whole, and its codes placed at the head of the
        state's codings file."""
        if not self.manual:
            return True
        decisions = open(os.path.join(self.folder, "codings.jsonl"), encoding="utf-8").read()
        if decisions.count('"text":') != len(self.manual):
            return False
        path = os.path.join(self.folder, ".verbatim/codings.jsonl")
        head = open(path, encoding="utf-8").read().splitlines()[:len(self.manual)]
        return head == self.manual

    def leftovers(self):
        found = []
        state = os.path.join(self.folder, ".verbatim")
        for folder, dirs, files in os.walk(state):
            for name in files + dirs:
                if name.endswith(".tmp") or name in ("index.new", "index.old"):
                    found.append(os.path.relpath(os.path.join(folder, name), self.folder))
        return found


def _touch(path, when):
    os.utime(path, (when, when))


def _new_project(root, folder):
    os.makedirs(folder)
    for name in ("corpus", "codebooks"):
        shutil.copytree(os.path.join(root, name), os.path.join(folder, name))
    shutil.copy2(os.path.join(root, "verbatim.toml"), folder)
    # A second round, smaller than the first, in a folder that sorts after corpus/.
    round2 = os.path.join(folder, "round2")
    os.makedirs(round2)
    for name in ("bradford-council-ceo.txt", "hounslow-hub.md", "nwl-ccg.txt",
                 "wigan-food-network.txt"):
        text = open(os.path.join(folder, "corpus", name), encoding="utf-8").read()
        with open(os.path.join(round2, "r2-" + name), "w", encoding="utf-8") as out:
            out.write(text.replace("pandemic", "second winter").replace("volunteers", "helpers"))
    for parent, _, files in os.walk(folder):
        for name in files:
            _touch(os.path.join(parent, name), T0)


def _settle(verbatim, folder):
    """Code, write manual codings (by quote id) into the project's codings file, code
    again: they are anchored to their quotes' text and placed at the head of
    .verbatim/codings.jsonl. They go on quotes of the first four sources (bradford-*,
    brent-*, edinburgh-*): a source edit elsewhere stays incremental, since an edit to a
    source holding one rebuilds."""
    verbatim.run(folder, ["code", "--quiet"])
    quotes = [json.loads(line) for line in open(os.path.join(folder, ".verbatim/quotes.jsonl"))]
    by_source = {}
    for quote in quotes:
        by_source.setdefault(quote["source"], []).append(quote["id"])
    picked = [ids[len(ids) // 2] for _, ids in sorted(by_source.items())[:4]]
    themes = ["challenge.fatigue", "challenge.money", "achievement.digital",
              "priority.inequalities"]
    manual = [json.dumps({"quote": q, "theme": t, "score": None, "origin": "manual",
                          "coder": "jo", "evidence": []}, separators=(",", ":"))
              for q, t in zip(picked, themes)]
    with open(os.path.join(folder, "codings.jsonl"), "w", encoding="utf-8") as out:
        out.write("".join(json.dumps({"quote": q, "theme": t, "coder": "jo"}) + "\n"
                          for q, t in zip(picked, themes)))
    verbatim.run(folder, ["code", "--quiet"])
    anchored = open(os.path.join(folder, "codings.jsonl"), encoding="utf-8").read()
    assert anchored.count('"text":') == len(manual), "manual codings not anchored: " + anchored
    return manual


def _edit_codebook(folder):
    path = os.path.join(folder, "codebooks/seizing-the-moment-2020.toml")
    with open(path, "a", encoding="utf-8") as out:
        out.write('\n[[theme]]\nid = "challenge.kill-test"\ncategory = "challenge"\n'
                  'name = "Kill test"\n[[theme.rules]]\nany = ["kettle"]\n')
    _touch(path, T0 + 100)


def _edit_source(name):
    def change(folder):
        path = os.path.join(folder, "corpus", name)
        with open(path, "a", encoding="utf-8") as out:
            out.write("\n\nInterviewer: Anything else?\n\nAnd one more thing: the staff are "
                      "exhausted and the budget is thin, but we kept going together.\n")
        _touch(path, T0 + 200)
    return change


def _add_round(folder):
    path = os.path.join(folder, "verbatim.toml")
    text = open(path, encoding="utf-8").read()
    new = text.replace(
        'sources = ["corpus/*.{txt,md,vtt,srt,docx}"]',
        'sources = ["corpus/*.{txt,md,vtt,srt,docx}", { path = "round2", round = "2022" }]')
    assert new != text, "verbatim.toml's sources line changed: update reliability_projects.py"
    open(path, "w", encoding="utf-8").write(new)
    _touch(path, T0 + 300)


def scenarios(verbatim, root, work):
    """The scenarios, each in a project folder of its own under `work`."""
    plans = [
        ("code (full, codebook changed)", "full", ["code"], _edit_codebook),
        ("code (incremental, source edited)", "incremental", ["code"],
         _edit_source("nwl-ccg.txt")),
        ("ingest (source edited)", "ingest", ["ingest"], _edit_source("wigan-food-network.txt")),
        ("ingest (fresh project)", "fresh", ["ingest"], None),
        ("run (new round)", "round", ["run"], _add_round),
    ]
    made = []
    for name, slug, command, change in plans:
        folder = os.path.join(work, slug)
        _new_project(root, folder)
        if change is None:
            made.append(Scenario(name, folder, command, None, []))
            continue
        manual = _settle(verbatim, folder)
        change(folder)
        start = os.path.join(work, slug + ".start")
        shutil.copytree(os.path.join(folder, ".verbatim"), start, symlinks=True)
        made.append(Scenario(name, folder, command, start, manual))
    return made


def reference(verbatim, scenario, fail, runs=3):
    """A clean run's outcome (checked equal over `runs` runs), its median duration and
    the summary line that says how many sources were read."""
    times, said, first = [], "", None
    for attempt in range(runs):
        scenario.restore()
        start = time.monotonic()
        args = scenario.command if attempt == 0 else ["--quiet", *scenario.command]
        done = verbatim.run(scenario.folder, args)
        times.append(time.monotonic() - start)
        if attempt == 0:
            lines = (done.stderr + done.stdout).decode("utf-8", "replace").splitlines()
            said = next((l.split(";")[0].strip() for l in lines if "sources read" in l), "")
        got = scenario.outcome(verbatim)
        if first is None:
            first = got
        elif got != first:
            fail(f"{scenario.name}: two clean runs differ in "
                 f"{[k for k in got if got[k] != first.get(k)]}")
        if not scenario.manual_kept():
            fail(f"{scenario.name}: a clean run lost the manual codings")
    return first, sorted(times)[len(times) // 2], said
