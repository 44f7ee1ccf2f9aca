#!/usr/bin/env python3
"""Fails if the files of a crate import each other in a circle.

A file imports another when its code (tests left out) names a path into it: `crate::a::b`,
`super::x`, `self::x` or a child module declared with `mod x;`. The path is resolved to the
file that defines the deepest module it names. Declaring a child module is not an import;
using it is.

usage: .ci/import-cycles.py CRATE_SRC...   (e.g. crates/*/src)
"""
import re
import sys
from pathlib import Path

PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
USE_GROUP = re.compile(r"\buse\s+(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*)\}", re.S)
CHILD = re.compile(r"^\s*(?:pub(?:\([a-z]+\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;", re.M)


def modules(src: Path):
    """Module path (tuple) -> file."""
    found = {}
    for file in src.rglob("*.rs"):
        parts = list(file.relative_to(src).with_suffix("").parts)
        if parts[-1] in ("lib", "main", "mod"):
            parts = parts[:-1]
        found[tuple(parts)] = file
    return found


def code_of(file: Path) -> str:
    text = file.read_text()
    cut = re.search(r"#\[cfg\(test\)\]\s*mod\s+tests\s*\{", text)
    text = text[: cut.start()] if cut else text
    return re.sub(r"//[^\n]*", "", text)


def module_of(file: Path, src: Path):
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("lib", "main", "mod"):
        parts = parts[:-1]
    return tuple(parts)


def reexports(known):
    """Names the crate root re-exports (`pub use a::b::{X, Y};`) -> the module they come from."""
    root = known.get(())
    if root is None:
        return {}
    found = {}
    code = code_of(root)
    for use in re.finditer(r"\bpub\s+use\s+([a-z_][a-z0-9_:]*?)::(\{[^;]*\}|[A-Za-z_][A-Za-z0-9_]*)\s*;", code, re.S):
        module = tuple(use.group(1).split("::"))
        for name in re.split(r"[,\s{}]+", use.group(2)):
            if name:
                found[name] = module
    return found


def resolve(here, root, segments, known, exported):
    if root == "crate" and segments and segments[0] in exported:
        return exported[segments[0]]
    if root == "crate":
        base = []
    elif root == "super":
        base = list(here[:-1])
        while segments and segments[0] == "super":
            base = base[:-1]
            segments = segments[1:]
    else:
        base = list(here)
    path = tuple(base + segments)
    while path and path not in known:
        path = path[:-1]
    return path


def edges(src: Path):
    known = modules(src)
    exported = reexports(known)
    graph = {}
    for module, file in known.items():
        code = code_of(file)
        targets = set()
        paths = [(m.group(1), m.group(2).split("::")[1:]) for m in PATH.finditer(code)]
        for group in USE_GROUP.finditer(code):
            prefix = group.group(2).split("::")[1:] if group.group(2) else []
            for item in re.split(r"[,\s]+", group.group(3)):
                name = item.split("::")[0].strip("{} ")
                if name and name != "self":
                    paths.append((group.group(1), prefix + [name]))
        children = set(CHILD.findall(code))
        for word in re.findall(r"\b([a-z_][a-z0-9_]*)::", code):
            if word in children:
                paths.append(("self", [word]))
        for root, segments in paths:
            target = resolve(module, root, segments, known, exported)
            if target != module:
                targets.add(target)
        graph[module] = targets
    return graph


def circles(graph):
    """Strongly connected components of more than one file (Tarjan's algorithm)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def main():
    failed = False
    for src in map(Path, sys.argv[1:]):
        for component in circles(edges(src)):
            failed = True
            names = [("::".join(m) or "lib") for m in component]
            print(f"{src}: files importing each other: {', '.join(names)}")
    if failed:
        sys.exit(1)
    print(f"no import circles in {len(sys.argv) - 1} crates")


main()
