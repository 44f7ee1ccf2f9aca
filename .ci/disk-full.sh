#!/usr/bin/env bash
# Full disk, unprivileged: `ulimit -f` caps the size of any file the run writes, with
# SIGXFSZ ignored so that a write past the cap fails with EFBIG ("File too large") as on
# a full disk. At several caps (so the failure hits different files: table.bin, index
# segments, quotes.jsonl, codings.jsonl, report.html) `code` (full and incremental),
# `ingest` and a new round's `run` must:
#   - exit non-zero with an `error:` line that names the file it could not write, and
#     never panic;
#   - leave the previous state usable: `verbatim report --json` and `search --json`,
#     under the same cap, answer exactly (exit code and output) as they did before the
#     failed run;
#   - and, rerun without the cap, give the reference results byte for byte, manual
#     codings kept, no temporary files left in .verbatim/.
#
#   bash .ci/disk-full.sh
#   DISK_LIMITS="8 64 150" VERBATIM_BIN=path/to/verbatim bash .ci/disk-full.sh
#
# Needs bash, coreutils and python3 only; no root.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${VERBATIM_BIN:-$root/target/release/verbatim}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --quiet)
fi
export VERBATIM_MODEL=none
unset RUST_BACKTRACE
export PYTHONPATH="$root/.ci${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<'PY'
import os, re, shutil, subprocess, sys, tempfile

from reliability_projects import Verbatim, reference, scenarios

BIN, ROOT = sys.argv[1], sys.argv[2]
# File size caps in KiB (bash's `ulimit -f` unit).
LIMITS = [int(x) for x in os.environ.get(
    "DISK_LIMITS", "1 4 12 24 40 56 80 110 130 160 190 260 800").split()]
work = tempfile.mkdtemp(prefix="verbatim-disk-")
failures, notes = [], []

def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)

def capped(kib):
    return ["bash", "-c", f'ulimit -f {kib}; trap "" XFSZ; exec "$@"', "capped"]

verbatim = Verbatim(BIN, fail)
cases = scenarios(verbatim, ROOT, work)
references = {}
for case in cases:
    references[case.name], duration, said = reference(verbatim, case, fail, runs=2)
    print(f"reference: {case.name}: `verbatim {' '.join(case.command)}`"
          + (f" ({said})" if said else ""), flush=True)

runs = failed = clear = intact = recovered = succeeded = 0
hit = {}

class FileCap:
    """`ulimit -f`: no file may grow past `kib`."""
    def __init__(self, case, kib):
        self.case, self.prefix, self.what = case, capped(kib), f"{case.name} at {kib} KiB"
    def start(self):
        self.case.restore()
    def release(self):
        pass

class Tmpfs:
    """.verbatim/ on a tmpfs holding the starting state and `kib` KiB more (root only)."""
    def __init__(self, case, kib):
        self.case, self.kib, self.prefix = case, kib, ()
        self.state = os.path.join(case.folder, ".verbatim")
        self.what = f"{case.name}, tmpfs +{kib} KiB"
    def start(self):
        self.release()
        self.case.restore()
        os.makedirs(self.state, exist_ok=True)
        used = 0
        for folder, _, files in os.walk(self.state):
            used += sum(-(-os.path.getsize(os.path.join(folder, f)) // 4096) * 4 for f in files)
        saved = self.state + ".saved"
        shutil.rmtree(saved, ignore_errors=True)
        os.rename(self.state, saved)
        os.mkdir(self.state)
        mount = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={used + self.kib + 4}k",
                                "tmpfs", self.state], capture_output=True)
        if mount.returncode != 0:
            raise SystemExit(f"mount: {mount.stderr.decode()}")
        self.mounted = True
        for name in os.listdir(saved):
            source = os.path.join(saved, name)
            if os.path.isdir(source):
                shutil.copytree(source, os.path.join(self.state, name), symlinks=True)
            else:
                shutil.copy2(source, os.path.join(self.state, name))
        shutil.rmtree(saved)
    def release(self):
        """Unmounts, keeping what the run left in .verbatim/ (times kept)."""
        if not getattr(self, "mounted", False):
            return
        kept = self.state + ".kept"
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(self.state, kept, symlinks=True)
        subprocess.run(["umount", self.state], check=True)
        self.mounted = False
        os.rmdir(self.state)
        os.rename(kept, self.state)

def can_mount():
    if os.geteuid() != 0 or os.environ.get("DISK_TMPFS", "1") == "0":
        return False
    probe = tempfile.mkdtemp(prefix="verbatim-tmpfs-")
    ok = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe],
                        capture_output=True).returncode == 0
    if ok:
        subprocess.run(["umount", probe], check=True)
    os.rmdir(probe)
    return ok

caps = [FileCap(case, kib) for case in cases for kib in LIMITS]
if can_mount():
    BUDGETS = [int(x) for x in os.environ.get("TMPFS_BUDGETS", "0 8 40 100 200 400").split()]
    caps += [Tmpfs(case, kib) for case in cases for kib in BUDGETS]
else:
    print("(not root or no tmpfs: the file-size cap only)")

for cap in caps:
    case = cap.case
    if True:
        runs += 1
        what = cap.what
        # What readers answer under the cap before the run (on a copy of the start).
        cap.start()
        before = case.answers(verbatim, prefix=cap.prefix)
        cap.start()
        done = verbatim.run(case.folder, case.command, check=False, prefix=cap.prefix)
        err = done.stderr.decode("utf-8", "replace")
        if done.returncode == 0:
            succeeded += 1
            outcome = "succeeded (every file fits)"
        else:
            failed += 1
            errors = [l for l in err.splitlines() if l.startswith("error:")]
            message = errors[0] if errors else err.strip().splitlines()[-1:] or [""]
            message = message if isinstance(message, str) else message[0]
            names_file = re.search(r"(/|\.verbatim|report\.html|\.jsonl|table\.bin)", message)
            says_why = any(w in err for w in ("File too large", "os error 27", "No space left", "os error 28"))
            if done.returncode not in (1, 2) or not errors or not names_file or not says_why:
                fail(f"{what}: unclear failure (exit {done.returncode}): {err.strip()[:400]}")
            else:
                clear += 1
            target = re.search(r"error: (\S+?):", message)
            short = os.path.relpath(target.group(1), case.folder) if target and \
                target.group(1).startswith("/") else (target.group(1) if target else "?")
            short = re.sub(r"[0-9a-f]{32}", "<segment>", short)
            short = re.sub(r"\.verbatim-\w+\.tmp", ".verbatim-*.tmp", short)
            hit[short] = hit.get(short, 0) + 1
            outcome = f"exit {done.returncode}: {message[:150]}"
            after = case.answers(verbatim, prefix=cap.prefix)
            differing = [k for k in before if after.get(k) != before[k]]
            if differing:
                fail(f"{what}: after the failed run, readers under the cap answer differently: "
                     f"{differing}")
            else:
                intact += 1
        cap.release()
        # Without the cap: readers refresh, then a rerun gives the reference.
        rerun = verbatim.run(case.folder, ["--quiet", *case.command], check=False)
        if rerun.returncode != 0:
            fail(f"{what}: the rerun without a cap exited {rerun.returncode}: "
                 f"{rerun.stderr.decode('utf-8', 'replace').strip()[:300]}")
        else:
            got = case.outcome(verbatim)
            differing = [k for k in references[case.name]
                         if got.get(k) != references[case.name][k]]
            left = [x for x in case.leftovers() if x.endswith(".tmp")]
            stale = [x for x in case.leftovers() if not x.endswith(".tmp")]
            if stale:
                notes.append(f"{what}: the successful rerun left {stale}")
            if differing:
                fail(f"{what}: the rerun differs from the reference in {differing}")
            if left:
                fail(f"{what}: the rerun left {left}")
            if not case.manual_kept():
                fail(f"{what}: the manual codings were lost")
            recovered += not differing and not left and case.manual_kept()
        print(f"  {what:48} {outcome}", flush=True)

print(f"\ncapped runs: {runs}, failed: {failed} (clear message: {clear}, readers answering "
      f"as before: {intact}), completed within the cap: {succeeded}, "
      f"reruns identical to the reference: {recovered}/{runs}")
for note in notes:
    print("note:", note)
print("files the failures named: " + ", ".join(f"{k} ({v})" for k, v in sorted(hit.items())))
shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
PY
python3 "$script" "$bin" "$root"
