#!/usr/bin/env bash
# Killed runs: kill -9 (and a few SIGTERM / SIGINT) at random moments of `code` (full and
# incremental), `ingest` and a new round's `run` on a copy of the bundled project with
# manual codings, then rerun the command normally and check that the result is
# byte-identical to a clean run from the same starting state: quotes.jsonl,
# codings.jsonl (manual codings kept at the head), report.html, `report --json` and
# `search --json` answers, and no temporary files left in .verbatim/.
#
#   KILLS=40 bash .ci/kill-test.sh          # kill attempts (default 40)
#   KILL_SEED=7 VERBATIM_BIN=path/to/verbatim bash .ci/kill-test.sh
#
# Needs bash, coreutils and python3 only. Exits 1 on any difference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${VERBATIM_BIN:-$root/target/release/verbatim}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --quiet)
fi
export VERBATIM_MODEL=none
unset RUST_BACKTRACE
script=$(mktemp)
trap 'rm -f "$script"' EXIT
export PYTHONPATH="$root/.ci${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1
cat > "$script" <<'PY'
import os, random, shutil, signal, subprocess, sys, tempfile, time

from reliability_projects import Verbatim, reference, scenarios

BIN, ROOT = sys.argv[1], sys.argv[2]
KILLS = int(os.environ.get("KILLS", "40"))
SEED = int(os.environ.get("KILL_SEED", "2026"))
rng = random.Random(SEED)
work = tempfile.mkdtemp(prefix="verbatim-kill-")
failures = []

def fail(message):
    failures.append(message)
    print("FAIL:", message, flush=True)

verbatim = Verbatim(BIN, fail)
cases = scenarios(verbatim, ROOT, work)
references, durations = {}, {}
for case in cases:
    references[case.name], durations[case.name], said = reference(verbatim, case, fail)
    print(f"reference: {case.name}: `verbatim {' '.join(case.command)}` takes "
          f"{durations[case.name]*1000:.0f} ms" + (f" ({said})" if said else ""), flush=True)

def default_signals():
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)

tried = landed = identical = 0
per_signal = {}
for trial in range(KILLS):
    case = cases[trial % len(cases)]
    # Mostly SIGKILL; one attempt in eight SIGTERM and one SIGINT.
    sig = signal.SIGTERM if trial % 8 == 3 else signal.SIGINT if trial % 8 == 7 else signal.SIGKILL
    case.restore()
    # Spread over the run: uniform over its measured duration, and a little past it.
    delay = rng.uniform(0.0, 1.05 * durations[case.name])
    child = subprocess.Popen([BIN, "--quiet", *case.command], cwd=case.folder,
                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, preexec_fn=default_signals)
    time.sleep(delay)
    tried += 1
    mid = child.poll() is None
    if mid:
        child.send_signal(sig)
    _, err = child.communicate()
    err = err.decode("utf-8", "replace")
    if "panicked at" in err or "thread 'main'" in err:
        fail(f"{case.name}: panic when sent {sig.name}: {err.strip()[:300]}")
    # A signal that arrived as the process was exiting did not land.
    mid = mid and child.returncode == -sig
    if mid:
        landed += 1
    rerun = verbatim.run(case.folder, ["--quiet", *case.command], check=False)
    what = f"{case.name}: after {sig.name} at {delay*1000:.0f} ms"
    ok = rerun.returncode == 0
    if not ok:
        fail(f"{what} the rerun exited {rerun.returncode}: "
             f"{rerun.stderr.decode('utf-8', 'replace').strip()[:300]}")
    else:
        got = case.outcome(verbatim)
        differing = [k for k in references[case.name] if got.get(k) != references[case.name][k]]
        left = case.leftovers()
        if differing:
            fail(f"{what} the rerun differs in {differing}")
        if left:
            fail(f"{what} the rerun left {left}")
        if not case.manual_kept():
            fail(f"{what} the manual codings were lost")
        ok = not differing and not left and case.manual_kept()
    identical += ok
    stats = per_signal.setdefault(sig.name, [0, 0, 0])
    stats[0] += 1
    stats[1] += mid
    stats[2] += ok
    print(f"  {trial+1:3}/{KILLS} {case.name:36} {sig.name:7} at {delay*1000:5.0f} ms: "
          f"{'mid-run' if mid else 'after the end'}, {'identical' if ok else 'DIFFERENT'}",
          flush=True)

print(f"\nkills tried: {tried}, landed mid-run: {landed}, recoveries identical: {identical}/{tried}")
for name, (n, mid, ok) in sorted(per_signal.items()):
    print(f"  {name}: {n} tried, {mid} mid-run, {ok} recovered identically")
print(f"(seed {SEED})")
shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1)
PY
python3 "$script" "$bin" "$root"
