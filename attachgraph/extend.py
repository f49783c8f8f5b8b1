"""Extension files: researchers add their own concepts and causal claims, validated first.

Two hand-written formats, documented in ``docs/extending.md``:

* a **claims table** (``.csv`` or ``.tsv``): one signed causal claim per row, with the columns
  :data:`CLAIM_COLUMNS`; causes and effects are existing concepts (label, synonym, CURIE or IRI)
  or concepts defined in the same extension;
* a **concepts file** (``.yaml`` / ``.yml``, or Turtle ``.ttl``): new concepts, each placed below
  a top category or an existing concept, with the fields :data:`CONCEPT_FIELDS`.

:func:`build_extension` reads every file, checks every row against the graph it extends and
returns the extension graph; :func:`extend` also writes it, in canonical Turtle, atomically.
Every problem in every file is reported at once (:class:`attachgraph.errors.ExtensionError`,
whose ``problems`` are :class:`ExtensionProblem` values naming file, line and column), and
nothing is written unless there are none. Inputs and the bundled ontology are only read.

User claims have the shape of the bundled ones (an ``ag:CausalClaim`` with its direct
``ag:increases`` / ``ag:decreases`` edge), so queries, analysis and maps work unchanged; they
stay distinguishable by their IRIs (the extension's namespace), their own source
(an ``ag:SourceDocument`` with the citation and DOI) and their evidence grade.

Not medical advice: an extension records what its author states about the works they cite.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ExtensionError
from .graph import normalize_name
from .namespaces import AG, PREFIXES, compact, expand

if TYPE_CHECKING:
    import rdflib
    import yaml

    from .graph import KnowledgeGraph

__all__ = [
    "CLAIM_COLUMNS",
    "CONCEPT_FIELDS",
    "DEFAULT_NAMESPACE",
    "ClaimRow",
    "ConceptSpec",
    "Extension",
    "ExtensionProblem",
    "build_extension",
    "extend",
    "normalize_doi",
    "read_claims",
    "read_concepts",
    "write_templates",
]

#: Where extension terms live unless ``namespace=`` says otherwise: a URN, so nobody mistakes an
#: unpublished extension for part of attachgraph. Use an IRI you control when you share one.
DEFAULT_NAMESPACE = "urn:attachgraph:user:"

#: The columns of a claims table, in template order.
CLAIM_COLUMNS = ("cause", "effect", "sign", "mechanism", "phase", "grade", "citation", "doi", "locator", "note")
_REQUIRED_COLUMNS = ("cause", "effect", "sign", "mechanism", "phase", "grade", "locator")
_COLUMN_ALIASES = {
    "evidence grade": "grade",
    "evidence": "grade",
    "polarity": "sign",
    "direction": "sign",
    "mechanism kind": "mechanism",
    "life phase": "phase",
    "reference": "citation",
    "citation doi": "citation",
    "location": "locator",
    "paraphrase": "note",
    "notes": "note",
}

#: The fields of a concept in a concepts file.
CONCEPT_FIELDS = (
    "id",
    "label",
    "parent",
    "definition",
    "informal_definition",
    "synonyms",
    "related_synonyms",
    "narrow_synonyms",
    "broad_synonyms",
    "citation",
    "doi",
    "locator",
    "note",
)
_SYNONYM_FIELDS = {
    "synonyms": PREFIXES["oboInOwl"] + "hasExactSynonym",
    "related_synonyms": PREFIXES["oboInOwl"] + "hasRelatedSynonym",
    "narrow_synonyms": PREFIXES["oboInOwl"] + "hasNarrowSynonym",
    "broad_synonyms": PREFIXES["oboInOwl"] + "hasBroadSynonym",
}
_LIST_FIELDS = (*_SYNONYM_FIELDS, "locator")

_SIGNS = {
    "+": 1, "+1": 1, "1": 1, "increases": 1, "increase": 1, "positive": 1, "up": 1,
    "-": -1, "-1": -1, "\u2212": -1, "\u2212" + "1": -1, "decreases": -1, "decrease": -1, "negative": -1, "down": -1,
}  # fmt: skip
# Everyday names for grades; each maps to the local name of a grade in the ontology.
_GRADE_ALIASES = {
    "rct": "grade-randomised-trial",
    "randomized controlled trial": "grade-randomised-trial",
    "randomised trial": "grade-randomised-trial",
    "randomized trial": "grade-randomised-trial",
    "cohort study": "grade-cohort-study",
    "case control study": "grade-cohort-study",
    "meta analysis": "grade-systematic-review",
    "systematic review": "grade-systematic-review",
    "case report": "grade-case-report",
    "case series": "grade-case-report",
    "cross sectional": "grade-cross-sectional",
    "narrative claim": "grade-narrative-claim",
    "curator inference": "grade-curator-inference",
}
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_DOI_PREFIXES = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_IRI = re.compile(r"^(?:https?://|urn:)[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_LOCAL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,99}$")
_NAMESPACE = re.compile(r"^(?:https?://[^\s<>\"{}|\\^`]+[/#]|urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:[^\s<>\"{}|\\^`]*:)$")
_MIN_LENGTH = {"definition": 20, "informal_definition": 10, "note": 20}
_MAX_CELL = 2000

_OWL, _RDF, _RDFS, _DCT = PREFIXES["owl"], PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["dcterms"]
_IAO_DEFINITION = PREFIXES["IAO"] + "0000115"


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class ExtensionProblem:
    """One problem in an extension file: where it is and what to do about it.

    ``line`` is 1-based (the physical line of the file); ``column`` names the table column
    (with its spreadsheet letter), the YAML column and key, or is None when the whole line or
    file is concerned.
    """

    path: str
    line: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column:
            where.append(f"column {self.column}")
        return ", ".join(where) + ": " + self.message

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order problems by file, line, column."""
        return self.path, self.line or 0, self.column or "", self.message


class _Problems(list):  # type: ignore[type-arg]
    """The problems found so far; every check appends, nobody stops at the first."""

    def add(self, path: Path | str, line: int | None, column: str | None, message: str) -> None:
        self.append(ExtensionProblem(str(path), line, column, message))

    def raise_if_any(self, what: str = "the extension") -> None:
        if self:
            raise _error(list(self), what)


def _error(problems: Sequence[ExtensionProblem], what: str) -> ExtensionError:
    ordered = sorted(set(problems), key=ExtensionProblem.sort_key)
    count = f"{len(ordered)} problem{'s' if len(ordered) != 1 else ''}"
    lines = "\n".join(f"  {p}" for p in ordered)
    return ExtensionError(f"{count} in {what}; nothing was written:\n{lines}", ordered)


# --------------------------------------------------------------------------- parsed records


@dataclass
class ClaimRow:
    """One row of a claims table as written (names not yet resolved against the graph)."""

    path: str
    line: int
    cause: str
    effect: str
    sign: int | None
    mechanism: str
    phase: str
    grade: str
    citation: str
    doi: str
    locator: str
    note: str
    columns: dict[str, str] = field(default_factory=dict, repr=False)

    def where(self, name: str) -> str | None:
        """The column description used in problem messages (name and spreadsheet letter)."""
        return self.columns.get(name, name)


@dataclass
class ConceptSpec:
    """One new concept from a concepts file (YAML or Turtle) as written."""

    path: str
    line: int | None
    label: str
    parent: str
    definition: str
    informal_definition: str
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    citation: str = ""
    doi: str = ""
    locators: tuple[str, ...] = ()
    note: str = ""
    iri: str | None = None
    local_id: str | None = None
    positions: dict[str, tuple[int | None, str | None]] = field(default_factory=dict, repr=False)

    def where(self, name: str) -> tuple[int | None, str | None]:
        """Line and column of field ``name`` (the concept's own line when it is absent)."""
        return self.positions.get(name, (self.line, None))


# --------------------------------------------------------------------------- text helpers


def _clean(text: str) -> str:
    """NFC, single spaces, no leading or trailing white space (the quality checks demand it)."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _bad_character(text: str) -> str | None:
    """Return a description of the first character no RDF serialization can carry, if any."""
    for ch in text:
        if ch in "\t\n\r":
            continue
        category = unicodedata.category(ch)
        if category in ("Cc", "Cs") or (category == "Cn" and (0xFDD0 <= ord(ch) <= 0xFDEF or ord(ch) & 0xFFFE == 0xFFFE)):
            return f"U+{ord(ch):04X}"
    return None


def normalize_doi(text: str) -> str | None:
    """Return the DOI in ``text`` in its bare form (``10.NNNN/suffix``), or None if it is not one.

    ``doi:`` prefixes and ``https://doi.org/`` links are accepted.

    Examples
    --------
    >>> normalize_doi("https://doi.org/10.5555/example.001")
    '10.5555/example.001'
    >>> normalize_doi("doi:10.5555/x") , normalize_doi("10.55/x")
    ('10.5555/x', None)
    """
    bare = _DOI_PREFIXES.sub("", text.strip())
    return bare if _DOI.match(bare) else None


def _looks_like_doi(text: str) -> bool:
    return bool(_DOI_PREFIXES.match(text.strip()) or text.strip().startswith("10."))


def _read_text(path: Path, problems: _Problems) -> str | None:
    """Read ``path`` as UTF-8 (a BOM is fine); report unreadable or mis-encoded files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(path, None, None, f"cannot read the file: {exc.strerror or exc}")
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(
            path,
            line,
            str(column),
            f"not UTF-8 text (byte 0x{data[exc.start]:02X}); save the file as UTF-8 (in a spreadsheet: 'CSV UTF-8')",
        )
        return None


# --------------------------------------------------------------------------- claims tables


def _column_key(header: str) -> str:
    key = " ".join(re.sub(r"[-_/]+", " ", header.casefold()).split())
    return _COLUMN_ALIASES.get(key, key)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sniff_delimiter(path: Path, text: str) -> str:
    """Pick the delimiter that splits the header line into the most known column names."""
    default = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    header = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    best, best_count = default, -1
    for delimiter in (default, ",", "\t", ";"):
        count = sum(_column_key(cell) in CLAIM_COLUMNS for cell in header.split(delimiter))
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _records(path: Path, text: str, problems: _Problems) -> Iterable[tuple[int, list[str]]]:
    """Yield (first line, cells) per record, skipping blank rows and rows whose first cell starts with #."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(path, text), strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # report it and read on: every problem at once
            problems.add(path, start, None, f"malformed table ({exc}); check the quotes on this line")
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        yield line, cells


def _header(path: Path, line: int, cells: list[str], problems: _Problems) -> list[str | None]:
    """Map each header cell to a column name; unknown, repeated or missing columns are problems."""
    names: list[str | None] = []
    for index, cell in enumerate(cells):
        key = _column_key(cell)
        if key and key not in CLAIM_COLUMNS:
            close = get_close_matches(key, CLAIM_COLUMNS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.add(path, line, _letter(index), f"unknown column {_short(cell)}; {hint}the columns are: {', '.join(CLAIM_COLUMNS)}")
            key = ""
        elif key and key in names:
            problems.add(path, line, _letter(index), f"column {key!r} appears twice; keep one")
            key = ""
        names.append(key or None)
    missing = [c for c in _REQUIRED_COLUMNS if c not in names]
    if "citation" not in names and "doi" not in names:
        missing.append("citation or doi")
    if missing:
        problems.add(path, line, None, f"the header lacks the column(s) {', '.join(missing)}; the first row names the columns: {', '.join(CLAIM_COLUMNS)}")
    return names


def _row_cells(path: Path, line: int, cells: list[str], names: list[str | None], problems: _Problems) -> dict[str, str | None]:
    """The row's values by column name (None: a bad cell, already reported); stray cells are problems."""
    values: dict[str, str | None] = {}
    for index, cell in enumerate(cells):
        name = names[index] if index < len(names) else None
        where = f"{name} ({_letter(index)})" if name else _letter(index)
        if name is None:
            if cell.strip():
                extra = "the header names no column here" if index < len(names) else f"the header names only {len(names)} columns"
                problems.add(path, line, where, f"value {_short(cell)} but {extra}; quote values that contain the delimiter")
            continue
        bad = _bad_character(cell)
        if bad:
            problems.add(path, line, where, f"contains the control character {bad}; remove it")
        elif len(cell) > _MAX_CELL:
            problems.add(path, line, where, f"is {len(cell)} characters long; keep a cell under {_MAX_CELL}")
        elif ("\n" in cell or "\r" in cell) and name != "note":
            problems.add(path, line, where, "contains a line break (an unclosed quote?); keep it on one line")
        else:
            values[name] = _clean(cell)
            continue
        values[name] = None
    return values


def _short(text: str, width: int = 40) -> str:
    text = _clean(text)
    return repr(text if len(text) <= width else text[: width - 3] + "...")


def _parse_sign(text: str) -> int | None:
    return _SIGNS.get(text.casefold().replace(" ", ""))


def _claim_row(path: Path, line: int, cells: dict[str, str | None], columns: dict[str, str], problems: _Problems) -> ClaimRow:
    """Check one row's cells that need no graph: required cells, sign, DOI, citation, lengths."""
    values = {name: value or "" for name, value in cells.items()}
    row = ClaimRow(
        path=str(path),
        line=line,
        cause=values.get("cause", ""),
        effect=values.get("effect", ""),
        sign=None,
        mechanism=values.get("mechanism", ""),
        phase=values.get("phase", ""),
        grade=values.get("grade", ""),
        citation=values.get("citation", ""),
        doi=values.get("doi", ""),
        locator=values.get("locator", ""),
        note=values.get("note", ""),
        columns=columns,
    )
    hints = {
        "cause": "name the cause: a concept's label, synonym or CURIE, or a concept from your concepts file",
        "effect": "name the effect: a concept's label, synonym or CURIE, or a concept from your concepts file",
        "sign": "write + (increases) or - (decreases)",
        "mechanism": "name the mechanism kind (see docs/extending.md)",
        "phase": "name the life phase: early development, active use, recovery or treatment",
        "grade": "name the evidence grade, e.g. cohort study or randomised controlled trial",
        "locator": "say where in the cited work the claim is made, e.g. 'p. 4', 'Table 2' or 'abstract'",
    }
    for name, hint in hints.items():
        if not values.get(name) and cells.get(name, "") is not None:
            problems.add(path, line, row.where(name), f"empty; {hint}")
    sign = values.get("sign", "")
    if sign:
        row.sign = _parse_sign(sign)
        if row.sign is None:
            problems.add(path, line, row.where("sign"), f"unknown sign {sign!r}; write + or increases, - or decreases")
    if cells.get("citation", "") is not None and cells.get("doi", "") is not None:
        _check_citation(path, line, row, problems)
    if row.note and len(row.note) < _MIN_LENGTH["note"]:
        problems.add(path, line, row.where("note"), f"too short ({len(row.note)} characters); write one sentence, in your own words, of what the cited work reports")
    return row


def _check_citation(path: Path, line: int | None, record: ClaimRow | ConceptSpec, problems: _Problems) -> None:
    """Normalize the DOI; a citation column holding a DOI counts as one. Report malformed DOIs."""
    def where(name: str) -> tuple[int | None, str | None]:
        return (line, record.where(name)) if isinstance(record, ClaimRow) else record.where(name)

    doi = record.doi
    if record.citation and _looks_like_doi(record.citation) and " " not in record.citation:
        as_doi = normalize_doi(record.citation)
        if as_doi is None:
            problems.add(path, *where("citation"), f"{record.citation!r} is not a well-formed DOI; a DOI reads 10.NNNN/suffix")
        elif doi and (normalize_doi(doi) or as_doi).casefold() != as_doi.casefold():
            problems.add(path, *where("citation"), f"the citation names DOI {as_doi} but the doi column says {doi}")
        else:
            doi, record.citation = doi or as_doi, ""
    if doi:
        bare = normalize_doi(doi)
        if bare is None:
            problems.add(path, *where("doi"), f"{doi!r} is not a well-formed DOI; a DOI reads 10.NNNN/suffix (e.g. 10.5555/abc.123), optionally as https://doi.org/...")
        record.doi = bare or ""
    if not record.citation and not doi:
        problems.add(path, *where("citation"), "no citation and no DOI; name the work this comes from")


def _read_claims(path: Path, problems: _Problems) -> list[ClaimRow]:
    text = _read_text(path, problems)
    if text is None:
        return []
    rows: list[ClaimRow] = []
    names: list[str | None] | None = None
    for line, cells in _records(path, text, problems):
        if names is None:
            names = _header(path, line, cells, problems)
            continue
        values = _row_cells(path, line, cells, names, problems)
        columns = {n: f"{n} ({_letter(i)})" for i, n in enumerate(names) if n}
        rows.append(_claim_row(path, line, values, columns, problems))
    if names is None:
        problems.add(path, None, None, f"no header row; the first row must name the columns: {', '.join(CLAIM_COLUMNS)}")
    return rows


def read_claims(path: Path | str) -> list[ClaimRow]:
    """Read a claims table (``.csv`` or ``.tsv``) and check what needs no graph.

    Raises
    ------
    ExtensionError
        With every problem of the file (``problems``), e.g. an unknown column, an empty
        required cell, a bad sign or a malformed DOI.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "claims.csv").write_text(
    ...     "cause,effect,sign,mechanism,phase,grade,doi,locator\\n"
    ...     "shame,relapse risk,+,emotion regulation,recovery,cohort study,10.5555/x.1,p. 3\\n")
    >>> [(r.cause, r.sign, r.doi) for r in read_claims(folder / "claims.csv")]
    [('shame', 1, '10.5555/x.1')]
    """
    problems = _Problems()
    rows = _read_claims(Path(path), problems)
    problems.raise_if_any(str(path))
    return rows


# --------------------------------------------------------------------------- concepts (YAML)


def _field_key(key: str) -> str:
    compact_key = re.sub(r"[-_\s]+", "", key.casefold())
    for name in CONCEPT_FIELDS:
        if compact_key == name.replace("_", ""):
            return name
    return {"exactsynonyms": "synonyms", "informal": "informal_definition", "reference": "citation"}.get(compact_key, key)


def _read_concepts_yaml(path: Path, problems: _Problems) -> list[ConceptSpec]:
    text = _read_text(path, problems)
    if text is None:
        return []
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        problems.add(path, mark.line + 1 if mark else None, str(mark.column + 1) if mark else None, f"not valid YAML: {detail}")
        return []
    except (yaml.YAMLError, RecursionError) as exc:
        problems.add(path, None, None, f"not valid YAML: {exc}")
        return []
    items = _concept_items(path, root, problems)
    return [spec for item in items if (spec := _concept_from_yaml(path, item, problems)) is not None]


def _concept_items(path: Path, root: yaml.Node | None, problems: _Problems) -> list[yaml.Node]:
    import yaml

    if root is None or _is_null(root):
        return []
    if isinstance(root, yaml.MappingNode):
        found = None
        for key, value in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name == "concepts" and found is None:
                found = value
            else:  # nothing is dropped silently: a second list or a stray key is reported
                what = "'concepts' appears twice; keep one list" if name == "concepts" else f"unknown key {_short(str(name))}; the file holds one list under 'concepts:'"
                problems.add(path, key.start_mark.line + 1, str(key.start_mark.column + 1), what)
        if found is None:
            problems.add(path, root.start_mark.line + 1, None, "expected a list of concepts under 'concepts:' (see `attachgraph template`)")
            return []
        root = found
    if _is_null(root):
        return []
    if not isinstance(root, yaml.SequenceNode):
        problems.add(path, root.start_mark.line + 1, None, "'concepts' must be a list: start each concept with '- label: ...'")
        return []
    return list(root.value)


def _is_null(node: yaml.Node) -> bool:
    return node.tag == "tag:yaml.org,2002:null"


def _concept_from_yaml(path: Path, node: yaml.Node, problems: _Problems) -> ConceptSpec | None:
    import yaml

    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        problems.add(path, line, str(node.start_mark.column + 1), "each concept must be a mapping of fields (label: ..., parent: ..., ...)")
        return None
    fields: dict[str, object] = {}
    positions: dict[str, tuple[int | None, str | None]] = {}
    invalid: set[str] = set()
    for key_node, value_node in node.value:
        key_line, key_col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.add(path, key_line, str(key_col), "a field name must be plain text")
            continue
        key = _field_key(key_node.value)
        where = (key_line, f"{key_col} ({key_node.value})")
        if key not in CONCEPT_FIELDS:
            close = get_close_matches(key, CONCEPT_FIELDS, n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            problems.add(path, *where, f"unknown field {_short(key_node.value)}; {hint}the fields are: {', '.join(CONCEPT_FIELDS)}")
            continue
        if key in positions:
            problems.add(path, *where, f"field {key!r} appears twice in this concept; keep one")
            continue
        positions[key] = where
        value = _yaml_value(path, key, value_node, where, problems)
        if value is None:
            invalid.add(key)
        else:
            fields[key] = value
    return _concept_spec(path, line, fields, positions, problems, invalid)


def _yaml_value(path: Path, key: str, node: yaml.Node, where: tuple[int, str], problems: _Problems) -> str | tuple[str, ...] | None:
    """A scalar as text (never YAML-typed: 'yes' stays 'yes'), or for list fields a list of them."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        values = [] if _is_null(node) else [node.value]
    elif isinstance(node, yaml.SequenceNode) and key in _LIST_FIELDS and all(isinstance(n, yaml.ScalarNode) for n in node.value):
        values = [n.value for n in node.value if not _is_null(n)]
    else:
        kind = "a list of texts" if key in _LIST_FIELDS else "one text"
        problems.add(path, *where, f"{key!r} must be {kind}")
        return None
    for value in values:
        bad = _bad_character(value)
        if bad or len(value) > _MAX_CELL:
            problems.add(path, *where, f"contains the control character {bad}; remove it" if bad else f"longer than {_MAX_CELL} characters")
            return None
    cleaned = tuple(v for v in (_clean(v) for v in values) if v)
    return cleaned if key in _LIST_FIELDS else (cleaned[0] if cleaned else "")


def _concept_spec(
    path: Path,
    line: int | None,
    fields: dict[str, object],
    positions: dict[str, tuple[int | None, str | None]],
    problems: _Problems,
    invalid: set[str] = frozenset(),  # type: ignore[assignment]
) -> ConceptSpec:
    def text(name: str) -> str:
        value = fields.get(name, "")
        return value if isinstance(value, str) else ""

    spec = ConceptSpec(
        path=str(path),
        line=line,
        label=text("label"),
        parent=text("parent"),
        definition=text("definition"),
        informal_definition=text("informal_definition"),
        synonyms={k: v for k in _SYNONYM_FIELDS if isinstance(v := fields.get(k, ()), tuple) and v},
        citation=text("citation"),
        doi=text("doi"),
        locators=tuple(fields.get("locator", ())),  # type: ignore[arg-type]
        note=text("note"),
        local_id=text("id") or None,
        positions=positions,
    )
    _check_concept_fields(path, spec, problems, invalid)
    return spec


def _check_concept_fields(path: Path, spec: ConceptSpec, problems: _Problems, invalid: set[str]) -> None:
    """Checks that need no graph: required fields, lengths, id form, DOI."""
    required = {
        "label": "give the concept a label (lower case unless a name or acronym)",
        "parent": "name the top category or existing concept it sits below, e.g. 'neurobiological process'",
        "definition": "write a formal definition: genus (what kind of thing) and differentia (what sets it apart)",
        "informal_definition": "write a one-sentence explanation a student understands",
        "locator": "say where in the cited work the concept is described, e.g. 'p. 4' or 'Introduction'",
    }
    for name, hint in required.items():
        value = getattr(spec, "locators" if name == "locator" else name)
        if not value and name not in invalid:
            problems.add(path, *spec.where(name), f"no {name}; {hint}")
    for name in ("definition", "informal_definition"):
        value, minimum = getattr(spec, name), _MIN_LENGTH[name]
        if value and len(value) < minimum:
            problems.add(path, *spec.where(name), f"{name} too short ({len(value)} characters, at least {minimum}); say more")
    if spec.local_id is not None and not _LOCAL_ID.match(spec.local_id):
        problems.add(path, *spec.where("id"), f"id {spec.local_id!r} must start with a letter and hold only letters, digits, - and _")
    if not invalid & {"citation", "doi"}:
        _check_citation(path, spec.line, spec, problems)


# --------------------------------------------------------------------------- concepts (Turtle)

_TURTLE_FIELDS = {
    _RDFS + "label": "label",
    _RDFS + "subClassOf": "parent",
    _IAO_DEFINITION: "definition",
    AG + "informalDefinition": "informal_definition",
    _DCT + "bibliographicCitation": "citation",
    _DCT + "identifier": "doi",
    AG + "locator": "locator",
    _RDFS + "comment": "note",
    **{iri: name for name, iri in _SYNONYM_FIELDS.items()},
}


def _read_concepts_turtle(path: Path, problems: _Problems, bundled: set[str] | None = None) -> list[ConceptSpec]:
    text = _read_text(path, problems)
    if text is None:
        return []
    from rdflib import Graph

    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many types for bad Turtle; all mean the same here
        message = str(exc)
        found = re.search(r"line (\d+)", message)
        detail = " ".join(message.split())[:300]
        problems.add(path, int(found.group(1)) if found else None, None, f"not valid Turtle: {detail}")
        return []
    lines = text.splitlines()
    specs = []
    for subject in sorted(set(graph.subjects()), key=str):
        spec = _concept_from_turtle(path, graph, subject, lines, problems, bundled or set(), path.resolve().as_uri())
        if spec is not None:
            specs.append(spec)
    return specs


def _subject_line(graph: rdflib.Graph, subject: object, lines: list[str], base: str = "") -> int | None:
    """The line where ``subject`` starts a block: a best effort, Turtle parsers keep no positions."""
    text = str(subject)
    spellings = [f"<{text}>"]
    if base and text.startswith(base.rsplit("/", 1)[0] + "/"):
        spellings.append(f"<{text[len(base.rsplit('/', 1)[0]) + 1:]}>")
    for prefix, base in graph.namespaces():
        if text.startswith(str(base)):
            spellings.append(f"{prefix}:{text[len(str(base)):]}")
    for pattern in (lambda s, ln: ln.lstrip().startswith(s), lambda s, ln: s in ln):
        for number, line in enumerate(lines, 1):
            if any(pattern(s, line) for s in spellings):
                return number
    return None


def _concept_from_turtle(
    path: Path, graph: rdflib.Graph, subject: object, lines: list[str], problems: _Problems, bundled: set[str], base: str
) -> ConceptSpec | None:
    from rdflib import BNode, URIRef

    line = _subject_line(graph, subject, lines, base)
    if isinstance(subject, BNode):
        problems.add(path, line, None, "blank nodes are not supported; give every concept an IRI")
        return None
    iri = str(subject)
    if iri.startswith(AG) or iri in bundled:
        problems.add(path, line, None, f"{compact(iri)} is a term of attachgraph; an extension only adds new terms (claims about existing concepts go in a claims table)")
        return None
    if not _IRI.match(iri):
        problems.add(path, line, None, f"<{iri}> is not an absolute http(s) or urn IRI; declare a prefix (@prefix ex: <https://example.org/my/> .)")
        return None
    if URIRef(_OWL + "Class") not in set(graph.objects(subject, URIRef(_RDF + "type"))):
        problems.add(path, line, None, f"{compact(iri)} is not declared 'a owl:Class'; a Turtle extension defines concepts only (claims go in a claims table)")
        return None
    fields: dict[str, list[str]] = {}
    invalid: set[str] = set()
    for predicate, value in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
        name, text, message = _turtle_value(str(predicate), value)
        if message:
            problems.add(path, line, None, f"{compact(iri)}: {message}")
            invalid.add(name or "")
        elif name:
            fields.setdefault(name, []).append(text)
    for name, values in fields.items():
        if len(values) > 1 and name not in _LIST_FIELDS:
            problems.add(path, line, None, f"{compact(iri)} has {len(values)} values for {name}; give it one")
            invalid.add(name)
    positions: dict[str, tuple[int | None, str | None]] = {name: (line, None) for name in fields}
    flat: dict[str, object] = {k: (tuple(v) if k in _LIST_FIELDS else v[0]) for k, v in fields.items() if k not in invalid}
    spec = _concept_spec(path, line, flat, positions, problems, invalid)
    spec.iri = iri
    return spec


def _turtle_value(predicate: str, value: object) -> tuple[str | None, str, str]:
    """(field name, text, problem) for one property value of a Turtle concept."""
    from rdflib import Literal, URIRef

    if predicate == _RDF + "type":
        return None, "", "" if value == URIRef(_OWL + "Class") else f"has type {compact(str(value))}; a concept is only 'a owl:Class'"
    name = _TURTLE_FIELDS.get(predicate)
    if name is None:
        supported = ", ".join(sorted(compact(k) for k in _TURTLE_FIELDS))
        return None, "", f"unsupported property {compact(predicate)}; the supported ones are {supported}"
    if name == "parent":
        return (name, str(value), "") if isinstance(value, URIRef) else (name, "", "rdfs:subClassOf must name a class by IRI")
    plain = (None, URIRef(PREFIXES["xsd"] + "string"))
    if not isinstance(value, Literal) or value.language not in (None, "en") or (value.language is None and value.datatype not in plain):
        return name, "", f"{compact(predicate)} must be plain text or English text (\"...\"@en)"
    bad = _bad_character(str(value))
    if bad or len(str(value)) > _MAX_CELL:
        return name, "", f"{compact(predicate)} contains the control character {bad}" if bad else f"{compact(predicate)} is longer than {_MAX_CELL} characters"
    return name, _clean(str(value)), ""


def read_concepts(path: Path | str) -> list[ConceptSpec]:
    """Read a concepts file (``.yaml``/``.yml`` or Turtle ``.ttl``) and check what needs no graph.

    Raises
    ------
    ExtensionError
        With every problem of the file: bad syntax (line and column), unknown fields, missing
        label, parent, definitions or locator, a malformed DOI.
    """
    problems = _Problems()
    specs = _read_concepts(Path(path), problems, None)
    problems.raise_if_any(str(path))
    return specs


def _read_concepts(path: Path, problems: _Problems, bundled: set[str] | None) -> list[ConceptSpec]:
    if path.suffix.lower() == ".ttl":
        return _read_concepts_turtle(path, problems, bundled)
    return _read_concepts_yaml(path, problems)


_CLAIM_SUFFIXES = (".csv", ".tsv", ".tab")
_CONCEPT_SUFFIXES = (".yaml", ".yml", ".ttl")


def _read_files(paths: Sequence[Path], problems: _Problems, bundled: set[str] | None = None) -> tuple[list[ClaimRow], list[ConceptSpec]]:
    rows: list[ClaimRow] = []
    specs: list[ConceptSpec] = []
    for path in paths:
        suffix = path.suffix.lower()
        if not path.is_file():
            problems.add(path, None, None, "no such file")
        elif suffix in _CLAIM_SUFFIXES:
            rows += _read_claims(path, problems)
        elif suffix in _CONCEPT_SUFFIXES:
            specs += _read_concepts(path, problems, bundled)
        else:
            problems.add(path, None, None, "unknown kind of file; claims tables end in .csv or .tsv, concepts files in .yaml, .yml or .ttl")
    return rows, specs


# --------------------------------------------------------------------------- the graph extended

_Q_CATEGORIES = """PREFIX ag: <https://w3id.org/attachgraph/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?label WHERE { ?term rdfs:subClassOf ag:DomainConcept ; rdfs:label ?label }"""
_Q_VALUES = """PREFIX ag: <https://w3id.org/attachgraph/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?kind ?term ?label ?rank WHERE {
  VALUES ?kind { ag:MechanismKind ag:LifePhase ag:EvidenceGrade }
  ?term a ?kind ; rdfs:label ?label . OPTIONAL { ?term ag:evidenceRank ?rank } }"""
_Q_CLAIMS = """PREFIX ag: <https://w3id.org/attachgraph/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?claim ?cause ?effect ?sign ?source ?doi ?citation ?grade WHERE {
  ?claim a ag:CausalClaim ; ag:cause ?cause ; ag:effect ?effect ; ag:polarity/ag:sign ?sign .
  OPTIONAL { ?claim ag:evidenceGrade/rdfs:label ?grade }
  OPTIONAL { ?claim dcterms:source ?source .
             OPTIONAL { ?source dcterms:identifier ?doi } OPTIONAL { ?source dcterms:bibliographicCitation ?citation } } }"""
_Q_LABELS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?term ?label WHERE { ?term rdfs:label ?label FILTER isIRI(?term) }"""
_Q_SUBJECTS = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER isIRI(?s) }"


@dataclass
class _ExistingClaim:
    iri: str
    cause: str
    effect: str
    sign: int
    source_key: str
    grade: str


class _Base:
    """What the extension is checked against: the bundled graph plus earlier extensions."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        from .queries import get_query

        self.kg = kg
        self.concepts = {c.iri: c.label for c in kg.concepts()}
        self.categories = {str(r[0]): str(r[1]) for r in kg.select(_Q_CATEGORIES).rows}
        self.names: dict[str, set[str]] = {}
        for concept, name, _kind in kg.select(get_query("names").text).rows:
            self.names.setdefault(normalize_name(str(name)), set()).add(str(concept))
        for iri, label in self.categories.items():
            self.names.setdefault(normalize_name(label), set()).add(iri)
        self.values: dict[str, dict[str, tuple[str, int | None]]] = {"MechanismKind": {}, "LifePhase": {}, "EvidenceGrade": {}}
        for kind, term, label, rank in kg.select(_Q_VALUES).rows:
            self.values[str(kind).removeprefix(AG)][str(term)] = (str(label), int(str(rank)) if rank is not None else None)
        self.labels = {str(label).casefold(): str(term) for term, label in kg.select(_Q_LABELS).rows}
        self.subjects = {str(r[0]) for r in kg.select(_Q_SUBJECTS).rows}
        self.claims_by_pair: dict[tuple[str, str], list[_ExistingClaim]] = {}
        claims = [
            _ExistingClaim(str(c), str(a), str(e), int(str(s)), _source_key(_plain_doi(d), str(t) if t else "", str(src) if src else str(c)), str(g or ""))
            for c, a, e, s, src, d, t, g in kg.select(_Q_CLAIMS).rows
        ]
        for claim in claims:
            self.claims_by_pair.setdefault((claim.cause, claim.effect), []).append(claim)


def _plain_doi(node: object) -> str:
    if node is None:
        return ""
    return normalize_doi(str(node)) or ""


def _source_key(doi: str, citation: str, fallback: str = "") -> str:
    if doi:
        return "doi:" + doi.casefold()
    if citation:
        return "citation:" + normalize_name(citation)
    return "iri:" + fallback


def _hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def _camel(label: str) -> str:
    plain = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[A-Za-z0-9]+", plain)
    name = "".join(w[:1].upper() + w[1:] for w in words)
    return name if name[:1].isalpha() else "Concept" + name + ("-" + _hash(label) if not name else "")


@dataclass
class _NewConcept:
    spec: ConceptSpec
    iri: str
    parent: str | None = None
    source: _Source | None = None


class _Resolver:
    """Concept names over the base graph and the extension's own concepts."""

    def __init__(self, base: _Base, concepts: dict[str, _NewConcept]) -> None:
        self.base = base
        self.concepts = concepts
        self.names: dict[str, set[str]] = {}
        for iri, new in concepts.items():
            for name in (new.spec.label, *(s for group in new.spec.synonyms.values() for s in group)):
                key = normalize_name(name)
                if key not in base.names:  # a clash is reported once, at the concept, not at every use
                    self.names.setdefault(key, set()).add(iri)

    def label(self, iri: str) -> str:
        if iri in self.concepts:
            return self.concepts[iri].spec.label
        return self.base.concepts.get(iri) or self.base.categories.get(iri) or compact(iri)

    def resolve(self, name: str, *, categories: bool = False) -> tuple[str | None, str]:
        """Return (IRI, "") or (None, the message saying why and what is close)."""
        known = set(self.base.concepts) | set(self.concepts) | (set(self.base.categories) if categories else set())
        iri = expand(name)
        for candidate in (iri, AG + name):
            if candidate in known:
                return candidate, ""
        key = normalize_name(name)
        matches = {m for m in self.base.names.get(key, set()) | self.names.get(key, set()) if m in known}
        if len(matches) == 1:
            return matches.pop(), ""
        if matches:
            options = ", ".join(sorted(repr(self.label(m)) for m in matches))
            return None, f"{name!r} names several concepts ({options}); write the label or the CURIE of one"
        if not categories and (self.base.names.get(key, set()) & set(self.base.categories) or expand(name) in self.base.categories):
            return None, f"{name!r} is a top category, not a concept; name a concept below it, or define one in a concepts file"
        return None, f"unknown concept {name!r}{self._suggestions(name, known)}; define new concepts in a concepts file"

    def _suggestions(self, name: str, known: set[str]) -> str:
        pool = {n: ms for n, ms in (*self.base.names.items(), *self.names.items())}
        close = get_close_matches(normalize_name(name), list(pool), n=8, cutoff=0.45)
        labels: list[str] = []
        for key in close:
            for iri in sorted(pool[key]):
                if iri in known and self.label(iri) not in labels:
                    labels.append(self.label(iri))
        return f"; did you mean {', '.join(repr(x) for x in labels[:3])}?" if labels else ""


def _value_names(values: dict[str, tuple[str, int | None]], prefix: str, aliases: dict[str, str] | None = None) -> dict[str, str]:
    names: dict[str, str] = {}
    for iri, (label, rank) in values.items():
        local = iri.removeprefix(AG)
        keys = {label, local, local.removeprefix(prefix), compact(iri), iri, *label.split(" or ")}
        if rank is not None:
            keys.add(str(rank))
        for key in keys:
            names[normalize_name(key)] = iri
    for alias, local in (aliases or {}).items():
        if AG + local in values:
            names.setdefault(normalize_name(alias), AG + local)
    return names


# --------------------------------------------------------------------------- building


@dataclass
class Extension:
    """A validated extension: its RDF graph and what it adds.

    ``notes`` lists what was reported but allowed (a repeated or contradicting claim kept
    apart under ``allow_duplicates`` / ``allow_contradictions``).
    """

    graph: rdflib.Graph
    namespace: str
    concepts: tuple[str, ...]
    claims: tuple[str, ...]
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_turtle(self) -> str:
        """The extension in canonical Turtle (the form :func:`extend` writes)."""
        from .canonical import format_graph

        return format_graph(self.graph)


@dataclass
class _Source:
    key: str
    iri: str
    doi: str
    citation: str
    path: str
    line: int | None


@dataclass
class _NewClaim:
    row: ClaimRow
    iri: str
    cause: str
    effect: str
    sign: int
    mechanism: str
    phase: str
    grade: str
    source: _Source


class _Builder:
    """Checks the parsed records against the base graph, then turns them into RDF."""

    def __init__(self, base: _Base, namespace: str, problems: _Problems, allow_duplicates: bool, allow_contradictions: bool) -> None:
        self.base = base
        self.ns = namespace
        self.problems = problems
        self.allow_duplicates = allow_duplicates
        self.allow_contradictions = allow_contradictions
        self.notes: list[str] = []
        self.sources: dict[str, _Source] = {}
        self.concepts: dict[str, _NewConcept] = {}
        self.claims: list[_NewClaim] = []
        self.claims_by_pair: dict[tuple[str, str], list[_NewClaim]] = {}
        self.origins: dict[str, tuple[str, int | None]] = {}
        self.resolver = _Resolver(base, self.concepts)
        self._graph: rdflib.Graph | None = None

    # --- sources --------------------------------------------------------
    def source(self, record: ClaimRow | ConceptSpec) -> _Source | None:
        """The source a row or concept cites: one per DOI (or per citation text without one)."""
        if not record.doi and not record.citation:
            return None
        where = (record.line, record.where("citation")) if isinstance(record, ClaimRow) else record.where("citation")
        key = _source_key(record.doi, record.citation)
        known = self.sources.get(key)
        if known is None:
            known = self.sources[key] = _Source(key, self.ns + "source-" + _hash(key), record.doi, record.citation, record.path, where[0])
            self.origins.setdefault(known.iri, (record.path, where[0]))
        elif record.citation and known.citation and record.citation != known.citation:
            first = f"{known.path}, line {known.line}" if known.line else known.path
            self.problems.add(record.path, *where, f"DOI {record.doi} is cited as {_short(known.citation, 60)} at {first}; write the same citation for the same DOI")
        elif record.citation and not known.citation:
            known.citation = record.citation
        return known

    # --- concepts -------------------------------------------------------
    def add_concepts(self, specs: list[ConceptSpec]) -> None:
        taken: dict[str, ConceptSpec] = {}
        for spec in specs:
            iri = spec.iri or self.ns + (spec.local_id or _camel(spec.label or "concept"))
            if iri in taken:
                first = taken[iri]
                self.problems.add(spec.path, *spec.where("label"), f"{compact(iri)} is already defined in {first.path}, line {first.line}; define each concept once (or give it another id)")
                continue
            if iri in self.base.subjects and normalize_name(spec.label) not in self.base.names:  # else the label clash says it
                self.problems.add(spec.path, *spec.where("label"), f"{compact(iri)} already exists in the graph; choose another label or id, or another namespace")
            taken[iri] = spec
            self.concepts[iri] = _NewConcept(spec, iri, source=self.source(spec))
            self.origins[iri] = (spec.path, spec.line)
        self._check_names()
        self.resolver = resolver = _Resolver(self.base, self.concepts)
        for new in self.concepts.values():
            if new.spec.parent:
                new.parent, message = resolver.resolve(new.spec.parent, categories=True)
                if new.parent is None:
                    self.problems.add(new.spec.path, *new.spec.where("parent"), message.replace("unknown concept", "unknown category or concept"))
        self._check_cycles()

    def _check_names(self) -> None:
        """A new label or synonym must name nothing else, in the graph or in the extension."""
        seen: dict[str, tuple[str, ConceptSpec]] = {}
        for iri, new in self.concepts.items():
            spec = new.spec
            own = normalize_name(spec.label)
            names = [("label", spec.label)] + [(k, s) for k, group in spec.synonyms.items() for s in group]
            for kind, name in names:
                key = normalize_name(name)
                if not key:
                    continue
                if kind != "label" and key == own:
                    self.problems.add(spec.path, *spec.where(kind), f"the synonym {name!r} repeats the label; drop it")
                elif key in self.base.names:
                    other = sorted(self.base.names[key])[0]
                    label = self.base.concepts.get(other) or self.base.categories.get(other, "")
                    self.problems.add(spec.path, *spec.where(kind), f"{name!r} already names {label!r} ({compact(other)}); use that concept in your claims, or choose another {'label' if kind == 'label' else 'synonym'}")
                elif key in seen and seen[key][0] != iri:
                    first = seen[key][1]
                    self.problems.add(spec.path, *spec.where(kind), f"{name!r} also names the concept {first.label!r} defined in {first.path}, line {first.line}")
                else:
                    seen[key] = (iri, spec)

    def _check_cycles(self) -> None:
        for iri, new in self.concepts.items():
            chain, current = [iri], new.parent
            while current in self.concepts:
                if current in chain:
                    if current == iri:
                        loop = " -> ".join(self.concepts[c].spec.label for c in [*chain, current])
                        self.problems.add(new.spec.path, *new.spec.where("parent"), f"the parents form a cycle ({loop}); a concept cannot sit below itself")
                    break
                chain.append(current)
                current = self.concepts[current].parent

    # --- claims ---------------------------------------------------------
    def add_claims(self, rows: list[ClaimRow]) -> None:
        """Resolve each row's names and values; check it against the graph and earlier rows."""
        resolver = self.resolver
        vocab = {
            "mechanism": (_value_names(self.base.values["MechanismKind"], "mechanism-"), "MechanismKind"),
            "phase": (_value_names(self.base.values["LifePhase"], "phase-"), "LifePhase"),
            "grade": (_value_names(self.base.values["EvidenceGrade"], "grade-", _GRADE_ALIASES), "EvidenceGrade"),
        }
        for row in rows:
            ends = {}
            for name in ("cause", "effect"):
                value = getattr(row, name)
                if value:
                    ends[name], message = resolver.resolve(value)
                    if ends[name] is None:
                        self.problems.add(row.path, row.line, row.where(name), message)
            found = {}
            for name, (names, kind) in vocab.items():
                value = getattr(row, name)
                if value:
                    found[name] = names.get(normalize_name(value))
                    if found[name] is None:
                        self.problems.add(row.path, row.line, row.where(name), self._unknown_value(name, value, kind))
            if ends.get("cause") and ends.get("cause") == ends.get("effect"):
                self.problems.add(row.path, row.line, row.where("effect"), "the cause and the effect are the same concept; a claim links two different concepts")
            source = self.source(row)
            if all(ends.get(n) for n in ("cause", "effect")) and all(found.get(n) for n in vocab) and row.sign and source:
                iri = self.ns + "claim-" + _hash(ends["cause"], ends["effect"], str(row.sign), source.key)  # type: ignore[arg-type]
                claim = _NewClaim(row, iri, ends["cause"], ends["effect"], row.sign, found["mechanism"], found["phase"], found["grade"], source)  # type: ignore[arg-type]
                self._check_against_others(claim)
                self.claims.append(claim)
                self.origins.setdefault(iri, (row.path, row.line))
                self.origins.setdefault(claim.cause, (row.path, row.line))

    def _unknown_value(self, name: str, value: str, kind: str) -> str:
        values = self.base.values[kind]
        choices = sorted(values.items(), key=lambda kv: (kv[1][1] or 0, kv[1][0]))
        listed = ", ".join(f"{rank} {label}" if kind == "EvidenceGrade" else label for _, (label, rank) in choices)
        return f"unknown {name} {value!r}; choose one of: {listed}"

    def _check_against_others(self, claim: _NewClaim) -> None:
        """Duplicates and contradictions, against the graph and against earlier rows."""
        row, pair = claim.row, (claim.cause, claim.effect)
        verb = "increases" if claim.sign > 0 else "decreases"
        what = f"{self.label(claim.cause)} {verb} {self.label(claim.effect)}"
        for other in self.base.claims_by_pair.get(pair, []):
            self._conflict(row, claim, other.sign, other.source_key, f"{compact(other.iri)} ({other.grade or 'no grade'})", what)
        for earlier in self.claims_by_pair.get(pair, []):
            self._conflict(row, claim, earlier.sign, earlier.source.key, f"the claim in {earlier.row.path}, line {earlier.row.line}", what)
        self.claims_by_pair.setdefault(pair, []).append(claim)

    def _conflict(self, row: ClaimRow, claim: _NewClaim, sign: int, source_key: str, other: str, what: str) -> None:
        if sign != claim.sign:
            message = f"'{what}' contradicts {other}: same cause and effect, opposite sign"
            if self.allow_contradictions:
                self.notes.append(f"{row.path}, line {row.line}: {message}; kept as a separate claim")
            else:
                self.problems.add(row.path, row.line, row.where("sign"), message + "; check the sign, or pass --allow-contradictions to keep both, as separate claims")
        elif source_key == claim.source.key:
            self.problems.add(row.path, row.line, None, f"'{what}' duplicates {other}, from the same source; remove one of them")
        else:
            message = f"'{what}' repeats {other} (same cause, effect and sign) from another source"
            if self.allow_duplicates:
                self.notes.append(f"{row.path}, line {row.line}: {message}; kept as further evidence with its own source and grade")
            else:
                self.problems.add(row.path, row.line, None, message + "; remove it, or pass --allow-duplicates to keep it as further evidence with its own source and grade")

    # --- RDF ------------------------------------------------------------
    def label(self, iri: str) -> str:
        """The label of a concept of the graph or of the extension."""
        return self.resolver.label(iri)

    def graph(self) -> rdflib.Graph:
        """The extension as RDF: sources, concepts, claims and the claims' direct edges."""
        from rdflib import Graph

        self._graph = Graph()
        if any(s.doi for s in self.sources.values()):  # keep the merged graph OWL 2 DL: declare it
            self._add(_DCT + "identifier", _RDF + "type", _OWL + "AnnotationProperty")
            self._add(_DCT + "identifier", _RDFS + "label", _en("identifier"))
        for source in self.sources.values():
            self._add(source.iri, _RDF + "type", AG + "SourceDocument")
            self._add(source.iri, _RDF + "type", _OWL + "NamedIndividual")
            self._add(source.iri, _RDFS + "label", _en(source.citation or f"doi:{source.doi}"))
            if source.citation:
                self._add(source.iri, _DCT + "bibliographicCitation", _en(source.citation))
            if source.doi:
                self._add(source.iri, _DCT + "identifier", _plain("https://doi.org/" + source.doi))
        for new in self.concepts.values():
            self._concept_triples(new)
        for claim in self.claims:
            self._claim_triples(claim)
        return self._graph

    def _add(self, subject: str, predicate: str, value: str | rdflib.Literal) -> None:
        from rdflib import Literal, URIRef

        assert self._graph is not None
        self._graph.add((URIRef(subject), URIRef(predicate), value if isinstance(value, Literal) else URIRef(value)))

    def _concept_triples(self, new: _NewConcept) -> None:
        spec = new.spec
        self._add(new.iri, _RDF + "type", _OWL + "Class")
        self._add(new.iri, _RDFS + "label", _en(spec.label))
        self._add(new.iri, _RDFS + "subClassOf", new.parent or "")
        self._add(new.iri, _IAO_DEFINITION, _en(spec.definition))
        self._add(new.iri, AG + "informalDefinition", _en(spec.informal_definition))
        for kind, names in spec.synonyms.items():
            for name in names:
                self._add(new.iri, _SYNONYM_FIELDS[kind], _en(name))
        for locator in spec.locators:
            self._add(new.iri, AG + "locator", _plain(locator))
        if new.source is not None:
            self._add(new.iri, _DCT + "source", new.source.iri)
        if spec.note:
            self._add(new.iri, _RDFS + "comment", _en(spec.note))

    def _claim_triples(self, claim: _NewClaim) -> None:
        """The claim in the bundled claims' shape, and its direct edge (derived, as in the ontology)."""
        verb = "increases" if claim.sign > 0 else "decreases"
        cause, effect = self.label(claim.cause), self.label(claim.effect)
        paraphrase = claim.row.note or f"The author of this extension cites the work for the claim that {cause} {verb} {effect}."
        values = {
            _RDFS + "label": _en(f"{cause} {verb} {effect}"),
            AG + "cause": claim.cause,
            AG + "effect": claim.effect,
            AG + "polarity": AG + ("polarity-positive" if claim.sign > 0 else "polarity-negative"),
            AG + "mechanism": claim.mechanism,
            AG + "phase": claim.phase,
            AG + "evidenceGrade": claim.grade,
            AG + "locator": _plain(claim.row.locator),
            AG + "paraphrase": _en(paraphrase),
            _DCT + "source": claim.source.iri,
        }
        for kind in (AG + "CausalClaim", _OWL + "NamedIndividual"):
            self._add(claim.iri, _RDF + "type", kind)
        for predicate, value in values.items():
            self._add(claim.iri, predicate, value)
        self._add(claim.cause, AG + verb, claim.effect)


def _en(text: str) -> rdflib.Literal:
    from rdflib import Literal

    return Literal(text, lang="en")


def _plain(text: str) -> rdflib.Literal:
    from rdflib import Literal

    return Literal(text)


def _check_namespace(namespace: str, problems: _Problems) -> None:
    if not _NAMESPACE.match(namespace):
        problems.add("--namespace", None, None, f"{namespace!r} is not a namespace IRI; use one ending in / or # (https://example.org/my-extension/) or a URN ending in : (urn:example:my-extension:)")
    elif namespace.startswith(AG) or AG.startswith(namespace):
        problems.add("--namespace", None, None, f"{namespace!r} overlaps attachgraph's own namespace {AG}; use one of your own")


def build_extension(
    files: Sequence[Path | str],
    kg: KnowledgeGraph | None = None,
    *,
    namespace: str = DEFAULT_NAMESPACE,
    allow_duplicates: bool = False,
    allow_contradictions: bool = False,
    shacl: bool = True,
) -> Extension:
    """Read and check extension files against ``kg`` and return the extension graph.

    Parameters
    ----------
    files
        Claims tables (``.csv``, ``.tsv``) and concepts files (``.yaml``, ``.yml``, ``.ttl``).
        Claims may name concepts from any of the concepts files.
    kg
        The graph to extend (default: the bundled graph). Load it with earlier extensions
        (``attachgraph.load([...])``) to check against them too.
    namespace
        The IRI namespace of the new concepts, claims and sources.
    allow_duplicates
        Keep a claim whose cause, effect and sign an existing claim from another source already
        states, as further evidence with its own source and grade (default: report it).
    allow_contradictions
        Keep a claim that contradicts an existing one (same cause and effect, opposite sign) as a
        separate claim (default: report it). Claims are never merged.
    shacl
        Validate the extended graph against the SHACL shapes once every other check passes.

    Raises
    ------
    ExtensionError
        Listing every problem found in every file (``problems``: :class:`ExtensionProblem`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> table = pathlib.Path(tempfile.mkdtemp()) / "claims.csv"
    >>> _ = table.write_text(
    ...     "cause,effect,sign,mechanism,phase,grade,citation,doi,locator\\n"
    ...     "shame,relapse risk,+,emotion regulation,recovery,cohort study,"
    ...     "Example A. (2024). NOT A REAL REFERENCE.,10.5555/x.1,p. 3\\n")
    >>> ext = build_extension([table])
    >>> len(ext.claims), len(ext.sources), ext.claims[0].startswith(DEFAULT_NAMESPACE + "claim-")
    (1, 1, True)
    >>> "ag:Shame\\n    ag:increases ag:RelapseRisk ;" in ext.to_turtle()
    True
    """
    from .graph import load

    problems = _Problems()
    _check_namespace(namespace, problems)
    kg = kg if kg is not None else load()
    base = _Base(kg)
    rows, specs = _read_files([Path(f) for f in files], problems, base.subjects)
    builder = _Builder(base, namespace, problems, allow_duplicates, allow_contradictions)
    builder.add_concepts(specs)
    builder.add_claims(rows)
    if not builder.claims and not builder.concepts and not problems:
        problems.add(", ".join(str(f) for f in files) or "(no files)", None, None, "nothing to add: no claims and no concepts (rows starting with # are comments)")
    problems.raise_if_any(_what(files))
    graph = builder.graph()
    _check_labels(builder, graph, problems)
    if shacl and not problems:
        problems += _shacl_problems(kg, graph, builder)
    problems.raise_if_any(_what(files))
    return Extension(
        graph=graph,
        namespace=namespace,
        concepts=tuple(builder.concepts),
        claims=tuple(c.iri for c in builder.claims),
        sources=tuple(s.iri for s in builder.sources.values()),
        notes=tuple(builder.notes),
    )


def _what(files: Sequence[Path | str]) -> str:
    return "the extension files" if len(files) != 1 else str(files[0])


def _check_labels(builder: _Builder, graph: rdflib.Graph, problems: _Problems) -> None:
    """Labels of new concepts and sources must not repeat any other label (claims' are derived)."""
    from rdflib import URIRef

    seen: dict[str, str] = {}
    claims = {c.iri for c in builder.claims}
    for subject, label in sorted(graph.subject_objects(URIRef(_RDFS + "label")), key=lambda so: str(so[0])):
        iri, key = str(subject), str(label).casefold()
        if iri in claims or not iri.startswith(builder.ns):
            continue
        other = builder.base.labels.get(key) or seen.get(key)
        if other and other != iri:
            path, line = builder.origins.get(iri, ("the extension", None))
            problems.add(path, line, None, f"the label {str(label)!r} of {compact(iri)} is also the label of {compact(other)}; labels must be unique")
        seen[key] = iri


def _shacl_problems(kg: KnowledgeGraph, extension: rdflib.Graph, builder: _Builder) -> list[ExtensionProblem]:
    """Run the SHACL shapes on the extended graph; report violations on the extension's nodes.

    The shapes' ``para N`` locator pattern describes the bundled source article's paragraphs;
    user sources are papers with pages, tables and sections, so for nodes citing a source of
    the extension that one pattern is not applied.
    """
    import pyshacl
    from rdflib import Graph, URIRef
    from rdflib.namespace import SH

    from .resources import shapes_path

    if not shapes_path().is_file():
        return []
    merged = Graph()
    for triple in kg.graph:
        merged.add(triple)
    for triple in extension:
        merged.add(triple)
    shapes = Graph().parse(str(shapes_path()), format="turtle")
    focus = sorted({s for s in extension.subjects() if isinstance(s, URIRef)}, key=str)
    try:
        _, report, _ = pyshacl.validate(merged, shacl_graph=shapes, advanced=True, inference="none", inplace=True)
    except Exception as exc:  # pragma: no cover - pySHACL reports its own failures as exceptions
        return [ExtensionProblem("SHACL", None, None, f"the shapes could not be run: {exc}")]
    own = {str(s) for s in focus}
    user_sourced = {str(s) for s in extension.subjects(URIRef(_DCT + "source"), None)}
    problems = []
    for result in report.subjects(SH.resultSeverity, None):
        node = str(report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        if node not in own:
            continue
        if node in user_sourced and path == URIRef(AG + "locator") and component == SH.PatternConstraintComponent:
            continue
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        detail = str(message) if message is not None else "violates a shape"
        if isinstance(path, URIRef):
            detail = f"{compact(str(path))}: {detail}"
        if value is not None:
            detail += f" (value {_short(str(value), 60)})"
        file, line = builder.origins.get(node, ("the extension", None))
        problems.append(ExtensionProblem(file, line, None, f"SHACL: {compact(node)}: {detail}"))
    return problems


def extend(
    files: Sequence[Path | str],
    output: Path | str,
    kg: KnowledgeGraph | None = None,
    *,
    namespace: str = DEFAULT_NAMESPACE,
    allow_duplicates: bool = False,
    allow_contradictions: bool = False,
    shacl: bool = True,
) -> Extension:
    """Validate extension files and write the extension graph to ``output`` (canonical Turtle).

    Everything is checked before anything is written, and the file is written atomically: on
    any problem :class:`~attachgraph.errors.ExtensionError` lists them all and ``output`` is
    left as it was. The inputs and the bundled ontology are never modified. Load the result
    with ``attachgraph.load([output])`` or ``--extension OUTPUT`` on any command.

    See :func:`build_extension` for the parameters.
    """
    from ._io import atomic_write_text
    from .graph import load

    kg = kg if kg is not None else load()
    target = Path(output).resolve()
    protected = {Path(p).resolve() for p in (*files, *kg.sources)}
    if target in protected:
        raise _error([ExtensionProblem(str(output), None, None, "is one of the inputs or the graph being extended; write the extension to a new file")], "the output")
    if target.is_dir():
        raise _error([ExtensionProblem(str(output), None, None, "is a folder; name a .ttl file")], "the output")
    extension = build_extension(
        files, kg, namespace=namespace, allow_duplicates=allow_duplicates, allow_contradictions=allow_contradictions, shacl=shacl
    )
    atomic_write_text(target, extension.to_turtle())
    return extension


# --------------------------------------------------------------------------- templates

_CLAIMS_TEMPLATE = """\
# attachgraph claims table: one signed causal claim per row. Rows whose first cell starts with # are comments.
# cause / effect: a concept of attachgraph (label / synonym or CURIE such as ag:Shame) or one from your concepts file.
# sign: + or increases / - or decreases. mechanism: {mechanisms}.
# phase: {phases}. grade: {grades}.
# citation and/or doi: the work the claim comes from. locator: where in it (page / table / section).
# note: one sentence in your own words of what the work reports (it becomes the claim's paraphrase).
# The example row below is a comment: copy it without the # and put your own values in every cell.
# Its DOI prefix 10.5555 is reserved for examples: it is NOT a real reference. Not medical advice.
{header}
{example}
"""

_CONCEPTS_TEMPLATE = """\
# attachgraph concepts file: new concepts for your claims table (fields: docs/extending.md).
# parent: a top category ({categories})
#         or an existing concept, or another concept of this file.
# definition: genus and differentia, in your own words; informal_definition: one sentence for a student.
# citation and/or doi: the work the concept comes from; locator: where in it.
# The example below is commented out: remove the leading '# ' of its lines and replace every value.
# Its DOI prefix 10.5555 is reserved for examples: it is NOT a real reference. Not medical advice.
concepts:
#  - label: sleep disruption
#    parent: neurobiological process
#    definition: A neurobiological process in which the timing, length or quality of sleep is persistently disturbed.
#    informal_definition: Sleeping badly, too little or at the wrong times, night after night.
#    synonyms: [disturbed sleep]
#    citation: "Example A. (2024). An illustrative study. Journal of Examples 1: 1-9. NOT A REAL REFERENCE."
#    doi: 10.5555/attachgraph.template.0002
#    locator: p. 3
"""

_TURTLE_TEMPLATE = """\
# attachgraph concepts in Turtle: one owl:Class per new concept (fields: docs/extending.md).
# Use a namespace you control instead of the example one. The example is commented out;
# its DOI prefix 10.5555 is reserved for examples: it is NOT a real reference. Not medical advice.
@prefix ag: <https://w3id.org/attachgraph/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix IAO: <http://purl.obolibrary.org/obo/IAO_> .
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/my-attachgraph-extension/> .

# ex:SleepDisruption
#     a owl:Class ;
#     rdfs:label "sleep disruption"@en ;
#     rdfs:subClassOf ag:NeurobiologicalProcess ;
#     IAO:0000115 "A neurobiological process in which the timing, length or quality of sleep is persistently disturbed."@en ;
#     ag:informalDefinition "Sleeping badly, too little or at the wrong times, night after night."@en ;
#     oboInOwl:hasExactSynonym "disturbed sleep"@en ;
#     dcterms:bibliographicCitation "Example A. (2024). An illustrative study. NOT A REAL REFERENCE." ;
#     dcterms:identifier "10.5555/attachgraph.template.0002" ;
#     ag:locator "p. 3" .
"""

_EXAMPLE_ROW = (
    "#shame", "relapse risk", "+", "emotion regulation", "recovery", "cohort study",
    "Example A. and Example B. (2024). An illustrative cohort study. Journal of Examples 1: 1-9. NOT A REAL REFERENCE.",
    "10.5555/attachgraph.template.0001", "Table 2",
    "Illustrative only: in this made-up cohort, more shame at entry went with more relapses a year later.",
)  # fmt: skip


def write_templates(directory: Path | str = ".", kg: KnowledgeGraph | None = None, *, tsv: bool = False, turtle: bool = False, overwrite: bool = False) -> list[Path]:
    """Write an empty claims table and concepts file, each with a commented example, to ``directory``.

    The lists of mechanisms, phases, grades and categories in the comments come from ``kg``
    (default: the bundled graph). Existing files are kept unless ``overwrite`` is true.

    Returns
    -------
    list of Path
        The files written: ``claims.csv`` (or ``claims.tsv``) and ``concepts.yaml`` (or
        ``concepts.ttl``).
    """
    from ._io import atomic_write_text
    from .graph import load

    folder = Path(directory)
    names = ["claims.tsv" if tsv else "claims.csv", "concepts.ttl" if turtle else "concepts.yaml"]
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not overwrite:
        problems = [ExtensionProblem(str(p), None, None, "already exists; pass --force to overwrite it, or choose another folder with -o") for p in existing]
        raise _error(problems, "the templates")
    base = _Base(kg if kg is not None else load())
    texts = {names[0]: _claims_template(base, "\t" if tsv else ","), names[1]: _TURTLE_TEMPLATE if turtle else _concepts_template(base)}
    written = []
    for name, text in texts.items():
        atomic_write_text(folder / name, text)
        written.append(folder / name)
    return written


def _listing(values: dict[str, tuple[str, int | None]], ranked: bool = False) -> str:
    items = sorted(values.values(), key=lambda v: (v[1] or 0, v[0]))
    return " / ".join(f"{rank} {label}" if ranked else label for label, rank in items)


def _claims_template(base: _Base, delimiter: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(CLAIM_COLUMNS)
    writer.writerow(_EXAMPLE_ROW)
    header, example = buffer.getvalue().rstrip("\n").split("\n")
    return _CLAIMS_TEMPLATE.format(
        mechanisms=_listing(base.values["MechanismKind"]),
        phases=_listing(base.values["LifePhase"]),
        grades=_listing(base.values["EvidenceGrade"], ranked=True),
        header=header,
        example=example,
    )


def _concepts_template(base: _Base) -> str:
    return _CONCEPTS_TEMPLATE.format(categories=" / ".join(sorted(base.categories.values())))
