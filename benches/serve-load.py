#!/usr/bin/env python3
"""Load check of `verbatim serve` (issue 17): a generated project of N quotes (default
100,000), served on localhost, and C concurrent clients (default 200) each sending one
search from a fixed list, every other one with facet filters (a theme, two areas, a
sector) as a reader clicking facets sends; prints the latency percentiles. Localhost only,
bounded.

    python3 benches/serve-load.py [--quotes 100000] [--clients 200] [--binary PATH]
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.error
import urllib.request

QUERIES = ["tired", "exhausted OR tired", '"second wave"', "volunteer*", "budget AND NOT grant",
           "digital", "partners", "council", "young people", "climate"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quotes", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=200)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--binary", default=os.path.join(root, "target/release/verbatim"))
    args = parser.parse_args()
    env = dict(os.environ, VERBATIM_MODEL="none")
    with tempfile.TemporaryDirectory() as work:
        project = os.path.join(work, "project")
        subprocess.run([args.binary, "generate", "--quotes", str(args.quotes), "--codebook",
                        os.path.join(root, "codebooks/seizing-the-moment-2020.toml"),
                        "--out", project, "--quiet"], check=True, env=env)
        subprocess.run([args.binary, "code", "--quiet"], cwd=project, check=True, env=env)
        server = subprocess.Popen([args.binary, "serve", "--port", "0"], cwd=project, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = server.stdout.readline()
            base = line.split()[1]
            assert base.startswith("http://127.0.0.1:"), line

            import json
            with urllib.request.urlopen(f"{base}api/search?q=council", timeout=60) as answer:
                facets = json.load(answer)["facets"]
            top = lambda name, n: sorted(facets[name], key=lambda v: -facets[name][v])[:n]
            filters = [("theme", t) for t in top("theme", 1)] + \
                [("area", a) for a in top("area", 2) if a != "(none)"] + \
                [("sector", s) for s in top("sector", 1) if s != "(none)"]

            def search(i):
                pairs = [("q", QUERIES[i % len(QUERIES)])] + (filters if i % 2 else [])
                query = urllib.parse.urlencode(pairs)
                start = time.perf_counter()
                try:
                    with urllib.request.urlopen(f"{base}api/search?{query}", timeout=60) as answer:
                        answer.read()
                except urllib.error.HTTPError as error:
                    raise SystemExit(f"{query}: {error.code} {error.read().decode()}")
                return time.perf_counter() - start

            search(0)  # the first search builds the facets' row sets
            with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
                start = time.perf_counter()
                times = sorted(pool.map(search, range(args.clients)))
                wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait()
    pick = lambda p: times[min(len(times) - 1, int(p * len(times)))] * 1000
    print(f"{args.clients} concurrent searches over {args.quotes} quotes: "
          f"p50 {pick(0.50):.0f} ms, p90 {pick(0.90):.0f} ms, p99 {pick(0.99):.0f} ms, "
          f"max {times[-1] * 1000:.0f} ms; all answered in {wall:.2f} s")


if __name__ == "__main__":
    sys.exit(main())
