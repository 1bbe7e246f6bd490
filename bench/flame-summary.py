#!/usr/bin/env python3
"""Where the server's time goes, from folded stacks (inferno-collapse-perf output on stdin).

Prints the share of samples spent inside a few parts of the request path (inclusive: a sample
counts for every part on its stack) and the functions with the most samples of their own.
Usage: perf script | inferno-collapse-perf | bench/flame-summary.py [TOP=15]
"""
import re
import sys
from collections import Counter

# Parts of a request, by the frames that mark them (first match on the stack).
PARTS = [
    ("Leptos render of the page (app + tachys)", r"leptos_axum::|tachys::|reactive_graph::"),
    ("database calls (sqlx, driver side)", r"sqlx_core::|sqlx_postgres::"),
    ("catalog queries and facet counting (app::catalog)", r"app::catalog::"),
    ("page ETag (SHA-256)", r"sha2::|page_etag"),
    ("compression", r"brotli|flate2|compression"),
    ("memory allocation and release", r"\bmalloc\b|\bfree\b|realloc|_int_malloc|_int_free|cfree"),
    ("HTML escaping and string building", r"html_escape|escape|fmt::write|String::push_str"),
    ("kernel (network I/O, scheduling)", r"\[kernel|entry_SYSCALL|_\[k\]"),
]


def main() -> None:
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    total = 0
    parts = Counter()
    leaves = Counter()
    for line in sys.stdin:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for name, pattern in PARTS:
            if any(re.search(pattern, f) for f in frames):
                parts[name] += n
        leaves[frames[-1]] += n
    if total == 0:
        sys.exit("no samples")
    # perf's cpu-clock samples are weighted by their period in nanoseconds.
    print(f"{total / 1e9:.1f} s of the server's CPU time sampled")
    print("share of it inside each part (a sample counts for every part on its stack):")
    for name, _ in PARTS:
        print(f"  {100.0 * parts[name] / total:5.1f} %  {name}")
    print(f"the {top} functions with the most time of their own:")
    for frame, n in leaves.most_common(top):
        print(f"  {100.0 * n / total:5.1f} %  {frame[:110]}")


if __name__ == "__main__":
    main()
