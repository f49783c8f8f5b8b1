"""Reproducible performance runs for attachgraph (``make bench``); not timed tests.

``synth``   a deterministic synthetic graph in the attachgraph schema (3k to 3M triples)
``measure`` whole-process timing, medians and peak memory
``workers`` the code each measured process runs
``run``     runs everything and writes ``docs/benchmarks.md``
"""
