#!/usr/bin/env python3
# The folder-level include graph of the C++ tree: which folder includes which, and every cycle
# between folders (strongly connected components of more than one folder). Runs on any Python 3
# (standard library only). `--dot` prints Graphviz; `--check` exits 1 when a cycle exists;
# `--forbid-torch FOLDER` also fails when a file under FOLDER reaches a LibTorch header (ATen,
# torch, c10, caffe2) through the project's includes, directly or through any header it includes
# (sub-folders included, except those named torch/, which hold a folder's LibTorch half);
# `--torch-free-headers FOLDER` the same for FOLDER's headers only (LibTorch kept private).
import argparse
import os
import re
import sys
from collections import defaultdict

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCES = (".h", ".hpp", ".cpp", ".cu", ".cuh")


def folder_of(path):
    return os.path.dirname(path) or "."


def edges(root, tops):
    graph = defaultdict(set)
    for top in tops:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith(SOURCES):
                    continue
                source = os.path.relpath(os.path.join(dirpath, name), root)
                with open(os.path.join(root, source), encoding="utf-8", errors="replace") as f:
                    text = f.read()
                for target in INCLUDE.findall(text):
                    if not os.path.exists(os.path.join(root, target)):
                        continue  # a system or generated header
                    a, b = folder_of(source), folder_of(target)
                    if a != b and b.split("/")[0] in tops:
                        graph[a].add(b)
    return graph


TORCH = re.compile(r'^\s*#\s*include\s+<(ATen|torch|c10|caffe2)/', re.M)


def torch_reach(root, top, headers_only=False):
    """The files under `top` that reach a LibTorch header, each with the chain that does."""
    cache = {}

    def reaches(path, seen):
        if path in cache:
            return cache[path]
        if path in seen:
            return None
        seen.add(path)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
            text = f.read()
        found = [path] if TORCH.search(text) else None
        for target in INCLUDE.findall(text):
            if found:
                break
            if os.path.exists(os.path.join(root, target)):
                chain = reaches(target, seen)
                if chain:
                    found = [path] + chain
        cache[path] = found
        return found

    out = []
    for dirpath, folders, files in os.walk(os.path.join(root, top)):
        folders[:] = [f for f in folders if f != "torch"]
        for name in sorted(files):
            if name.endswith((".h", ".hpp", ".cuh") if headers_only else SOURCES):
                chain = reaches(os.path.relpath(os.path.join(dirpath, name), root), set())
                if chain:
                    out.append(chain)
    return out


def cycles(graph):
    """Tarjan's strongly connected components with more than one folder."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(graph) | {b for bs in graph.values() for b in bs}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", default=os.path.join(os.path.dirname(__file__), ".."))
    parser.add_argument("--dot", action="store_true")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--forbid-torch", action="append", default=[], metavar="FOLDER")
    parser.add_argument("--torch-free-headers", action="append", default=[], metavar="FOLDER")
    parser.add_argument("tops", nargs="*", default=["engine", "ui", "app", "cli"])
    args = parser.parse_args()
    graph = edges(os.path.abspath(args.root), args.tops)
    if args.dot:
        print("digraph includes {\n  rankdir=LR;")
        for a in sorted(graph):
            for b in sorted(graph[a]):
                print(f'  "{a}" -> "{b}";')
        print("}")
    else:
        for a in sorted(graph):
            print(f"{a} -> {', '.join(sorted(graph[a]))}")
    sys.stdout.flush()
    found = cycles(graph)
    for c in found:
        print(f"cycle: {' <-> '.join(c)}", file=sys.stderr)
    if not found:
        print("no cycle between folders", file=sys.stderr)
    root = os.path.abspath(args.root)
    leaks = [chain for top in args.forbid_torch for chain in torch_reach(root, top)]
    leaks += [chain for top in args.torch_free_headers for chain in torch_reach(root, top, headers_only=True)]
    for chain in leaks:
        print(f"reaches LibTorch: {' -> '.join(chain)}", file=sys.stderr)
    if args.forbid_torch or args.torch_free_headers:
        print(f"{len(leaks)} file(s) reach LibTorch where none may", file=sys.stderr)
    return 1 if (args.check and found) or leaks else 0


if __name__ == "__main__":
    sys.exit(main())
