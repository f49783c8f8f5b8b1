"""The baseline of the whole-process benchmarks: pyoxigraph alone, no attachgraph.

Usage: ``python benchmarks/bare.py DATA.ttl [DATA2.ttl ...] -- QUERY.rq [QUERY2.rq ...]``

Loads the Turtle files into an in-memory Oxigraph store, runs each query and prints its rows as
tab-separated values: the least a script can do to answer the same question.
"""

import sys

import pyoxigraph


def main(argv: list[str]) -> int:
    split = argv.index("--")
    store = pyoxigraph.Store()
    for path in argv[:split]:
        store.load(path=path, format=pyoxigraph.RdfFormat.TURTLE)
    out = []
    for path in argv[split + 1 :]:
        with open(path, encoding="utf-8") as handle:
            for solution in store.query(handle.read()):
                out.append("\t".join("" if term is None else term.value for term in solution))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
