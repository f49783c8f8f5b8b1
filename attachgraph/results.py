"""The answer of a query as a small typed object: rows, labels next to IRIs, and exports.

A :class:`Result` keeps the terms exactly as the engine returned them (so ``to_json`` is a
faithful SPARQL 1.1 JSON result) and adds, for every column holding IRIs that the query does
not label itself, a ``<column>Label`` column right after it. Iterating gives :class:`Row`
objects; ``to_csv``, ``to_tsv``, ``to_jsonl``, ``to_table`` and ``to_dataframe`` (pandas) export.

Examples
--------
>>> import attachgraph
>>> result = attachgraph.load().query("acts-on", intervention="psychoeducation")
>>> [(row["targetLabel"], row["sign"]) for row in result]
[('engagement in treatment', 1), ('reframing behaviour as adaptation', 1), ('shame', -1)]
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ._io import atomic_write_text
from .engines import Node
from .errors import MissingDependencyError
from .namespaces import compact

__all__ = ["Result", "Row"]

_REPR_ROWS = 12


class Row(Mapping[str, object]):
    """One result row: ``row["var"]`` gives a plain Python value (None when unbound).

    IRIs and strings come back as ``str``; integers, decimals and booleans as Python numbers.
    ``row.node("var")`` gives the RDF term, ``row.label("var")`` the label of an IRI.
    """

    __slots__ = ("_result", "_index")

    def __init__(self, result: Result, index: int) -> None:
        self._result = result
        self._index = index

    def _value(self, column: str) -> Node | None:
        return self._result._cell(self._index, column)

    def __getitem__(self, column: str) -> object:
        if column not in self._result.columns:
            raise KeyError(f"no column {column!r}; columns are {', '.join(self._result.columns)}")
        node = self._value(column)
        return None if node is None else node.to_python()

    def __iter__(self) -> Iterator[str]:
        return iter(self._result.columns)

    def __len__(self) -> int:
        return len(self._result.columns)

    def node(self, column: str) -> Node | None:
        """Return the RDF term of ``column`` (None when unbound)."""
        return self._value(column)

    def label(self, column: str) -> str | None:
        """Return the label of the IRI in ``column``, or None."""
        node = self._value(column)
        return self._result.labels.get(node.value) if node is not None and node.kind == "uri" else None

    def __repr__(self) -> str:
        return f"Row({dict(self)!r})"


@dataclass(frozen=True)
class Result:
    """The rows of a SELECT query (or the answer of an ASK), with labels for the IRIs in them.

    Attributes
    ----------
    variables
        The query's own variables, in order.
    rows
        One tuple of :class:`~attachgraph.engines.Node` (or None) per row, aligned with ``variables``.
    labels
        IRI -> label for the IRIs the rows mention.
    source
        The query's name, file or "SPARQL text".
    boolean
        The answer of an ASK query, else None.
    """

    variables: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    source: str = "query"
    boolean: bool | None = None

    # --- shape -------------------------------------------------------------------------------
    @property
    def label_columns(self) -> dict[str, str]:
        """Added label column -> the IRI column it labels (only where the query has no label)."""
        added = {}
        for i, var in enumerate(self.variables):
            name = var + "Label"
            if name in self.variables:
                continue
            if any((n := row[i]) is not None and n.kind == "uri" and n.value in self.labels for row in self.rows):
                added[name] = var
        return added

    @property
    def columns(self) -> tuple[str, ...]:
        """The query's variables with each added label column right after its IRI column."""
        added = {iri: name for name, iri in self.label_columns.items()}
        out: list[str] = []
        for var in self.variables:
            out.append(var)
            if var in added:
                out.append(added[var])
        return tuple(out)

    def _cell(self, index: int, column: str) -> Node | None:
        if column in self.variables:
            return self.rows[index][self.variables.index(column)]
        iri_column = self.label_columns[column]
        node = self.rows[index][self.variables.index(iri_column)]
        if node is None or node.kind != "uri" or node.value not in self.labels:
            return None
        return Node.literal(self.labels[node.value])

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[Row]:
        return (Row(self, i) for i in range(len(self.rows)))

    def __getitem__(self, index: int) -> Row:
        if not -len(self.rows) <= index < len(self.rows):
            raise IndexError(f"row {index} out of range: the result has {len(self.rows)} rows")
        return Row(self, index % len(self.rows))

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.boolean is not None else bool(self.rows)

    def column(self, name: str) -> list[object]:
        """Return the Python values of one column, top to bottom."""
        return [row[name] for row in self]

    def records(self, *, labels: bool = True) -> list[dict[str, object]]:
        """Return the rows as dicts of Python values (with label columns unless ``labels=False``)."""
        columns = self.columns if labels else self.variables
        return [{c: row[c] for c in columns} for row in self]

    def head(self, n: int) -> Result:
        """Return a result with the first ``n`` rows only."""
        return Result(self.variables, self.rows[:n], self.labels, self.source, self.boolean)

    # --- text forms --------------------------------------------------------------------------
    def _display(self, column: str, node: Node | None) -> str:
        if node is None:
            return ""
        if node.kind == "uri":
            return compact(node.value)
        return node.value

    def _grid(self, labels: bool) -> tuple[tuple[str, ...], list[list[str]]]:
        columns = self.columns if labels else self.variables
        grid = [[self._display(c, self._cell(i, c)) for c in columns] for i in range(len(self.rows))]
        return columns, grid

    def to_table(self, *, labels: bool = True, width: int | None = None, color: bool = False) -> str:
        """Return an aligned text table.

        With ``width`` (a terminal's), long cells are shortened with "…" when that makes the table
        fit; when even that is not enough, each row is shown as a block of ``column  value`` lines.
        """
        if self.boolean is not None:
            return "yes" if self.boolean else "no"
        columns, grid = self._grid(labels)
        cells = [[" ".join(v.split()) for v in row] for row in grid]  # one line per row
        widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(columns)]
        bold, reset = ("\033[1m", "\033[0m") if color else ("", "")
        if width is not None:
            fitted = _fit(widths, [len(c) for c in columns], width - 2 * (len(columns) - 1))
            if fitted is None:
                return self._records_text(columns, cells, width, bold, reset)
            widths = fitted
        lines = [bold + "  ".join(_cut(c, w).ljust(w) for c, w in zip(columns, widths)).rstrip() + reset]
        lines.append("  ".join("-" * w for w in widths))
        lines += ["  ".join(_cut(v, w).ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
        return "\n".join(lines)

    def _records_text(self, columns: Sequence[str], cells: list[list[str]], width: int, bold: str, reset: str) -> str:
        """Rows as blocks of ``column  value`` lines, values wrapped to ``width``."""
        import textwrap

        key = max(len(c) for c in columns)
        room = max(width - key - 2, 20)
        blocks = []
        for number, row in enumerate(cells, 1):
            lines = [f"{bold}-- row {number} " + "-" * max(width - len(str(number)) - 8, 3) + reset]
            for column, value in zip(columns, row):
                wrapped = textwrap.wrap(value, room) or [""]
                lines.append(f"{column.ljust(key)}  {wrapped[0]}".rstrip())
                lines += [" " * (key + 2) + more for more in wrapped[1:]]
            blocks.append("\n".join(lines))
        return "\n".join(blocks)

    def to_csv(self, path: str | Path | None = None, *, labels: bool = True, delimiter: str = ",") -> str:
        """Return the rows as CSV (IRIs in full, label columns included); write to ``path`` if given."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        columns = self.columns if labels else self.variables
        writer.writerow(columns)
        for i in range(len(self.rows)):
            writer.writerow(["" if (n := self._cell(i, c)) is None else n.value for c in columns])
        return _maybe_write(buffer.getvalue(), path)

    def to_tsv(self, path: str | Path | None = None, *, labels: bool = True) -> str:
        """Return the rows as tab-separated values (tabs and line breaks in values become spaces)."""
        columns = self.columns if labels else self.variables
        lines = ["\t".join(columns)]
        for i in range(len(self.rows)):
            cells = ["" if (n := self._cell(i, c)) is None else n.value for c in columns]
            lines.append("\t".join(" ".join(v.replace("\t", " ").splitlines()) for v in cells))
        return _maybe_write("\n".join(lines) + "\n", path)

    def to_json(self, path: str | Path | None = None, *, labels: bool = True, indent: int | None = 2) -> str:
        """Return a SPARQL 1.1 Query Results JSON document (label columns are extra variables)."""
        if self.boolean is not None:
            doc: dict[str, object] = {"head": {}, "boolean": self.boolean}
        else:
            columns = self.columns if labels else self.variables
            bindings = []
            for i in range(len(self.rows)):
                binding = {c: _json_term(n) for c in columns if (n := self._cell(i, c)) is not None}
                bindings.append(binding)
            doc = {"head": {"vars": list(columns)}, "results": {"bindings": bindings}}
        return _maybe_write(json.dumps(doc, indent=indent, ensure_ascii=False) + "\n", path)

    def to_jsonl(self, path: str | Path | None = None, *, labels: bool = True) -> str:
        """Return one JSON object of Python values per row (unbound values are left out)."""
        lines = [
            json.dumps({k: v for k, v in record.items() if v is not None}, ensure_ascii=False)
            for record in self.records(labels=labels)
        ]
        return _maybe_write("".join(line + "\n" for line in lines), path)

    def to_dataframe(self, *, labels: bool = True):  # noqa: ANN201 - pandas is optional
        """Return a ``pandas.DataFrame`` of Python values (needs pandas)."""
        try:
            import pandas
        except ImportError:
            raise MissingDependencyError("to_dataframe() needs pandas; install it with `pip install pandas`") from None
        columns = self.columns if labels else self.variables
        return pandas.DataFrame(self.records(labels=labels), columns=list(columns))

    # --- notebooks ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        if self.boolean is not None:
            return f"<Result of {self.source}: {self.boolean}>"
        shown = self.head(_REPR_ROWS).to_table(width=120)
        more = f"\n... {len(self.rows) - _REPR_ROWS} more rows" if len(self.rows) > _REPR_ROWS else ""
        return f"<Result of {self.source}: {len(self.rows)} rows>\n{shown}{more}"

    def _repr_html_(self) -> str:
        if self.boolean is not None:
            return f"<p>{html.escape(self.source)}: <b>{self.boolean}</b></p>"
        columns, grid = self._grid(True)
        head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(v)}</td>" for v in row) + "</tr>" for row in grid[:200])
        more = f"<p>... {len(grid) - 200} more rows</p>" if len(grid) > 200 else ""
        caption = html.escape(f"{self.source}: {len(self.rows)} rows")
        return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _json_term(node: Node) -> dict[str, str]:
    if node.kind == "uri":
        return {"type": "uri", "value": node.value}
    if node.kind == "bnode":
        return {"type": "bnode", "value": node.value}
    term = {"type": "literal", "value": node.value}
    if node.lang:
        term["xml:lang"] = node.lang
    elif node.datatype:
        term["datatype"] = node.datatype
    return term


def _maybe_write(text: str, path: str | Path | None) -> str:
    if path is not None:
        atomic_write_text(path, text)
    return text


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _fit(widths: Sequence[int], minimums: Sequence[int], total: int) -> list[int] | None:
    """Cap long columns so the table fits ``total`` characters; None when no cap down to 24 fits."""
    if sum(widths) <= total:
        return list(widths)
    for cap in (48, 40, 32, 24):
        capped = [min(w, max(cap, m)) for w, m in zip(widths, minimums)]
        if sum(capped) <= total:
            spare = total - sum(capped)  # give the room left back to the columns that were cut
            for i, w in enumerate(widths):
                extra = min(spare, w - capped[i])
                capped[i] += extra
                spare -= extra
            return capped
    return None
