"""The tutorial notebooks: committed without outputs, and each runs top to bottom in a fresh kernel.

The notebooks are kept diff-friendly: no outputs, no execution counts, no cell metadata, and
notebook metadata that names the kernel and the language only. After editing one in Jupyter,
strip it with

    python tests/test_notebooks.py --strip notebooks/*.ipynb

The execution test runs every notebook with nbclient on this interpreter's ipykernel, from an
empty working folder and with TMPDIR pointing into pytest's own temporary folder, so it also
checks that a notebook writes nothing outside a temporary folder.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
NOTICE = "> **Not medical advice:**"
KERNEL = "python3"
CELL_TIMEOUT = 180  # seconds per cell; a cell here takes at most a few seconds
NOTEBOOK_METADATA = {
    "kernelspec": {"name": KERNEL, "display_name": "Python 3", "language": "python"},
    "language_info": {"name": "python"},
}

# What each notebook must show when it runs: text that appears in its outputs.
EXPECTED_OUTPUT = {
    "01-researchers-sparql.ipynb": [
        "HPA-axis dysregulation",  # a concept found by search and by name
        "did you mean",  # the error for an unknown concept suggests labels
        "Causal paths between two concepts",  # the library listing
        "inconsistent caregiving -> HPA-axis dysregula",  # a path through the stress system
        "claim of a narrative source",  # the grade behind a link
        "same rows on rdflib: True",
        "same rows on the endpoint: True",
        "endpoint running: False",  # the last cell stopped the server
    ],
    "02-educators-causal-maps.ipynb": [
        "<iframe",  # the map is displayed inline
        "reinforcing",
        "inconsistent caregiving -(+)->",
        "relapse risk",
        "ambiguous",
        "core-mechanism.svg",
        "flowchart LR",  # the Mermaid export
    ],
    "03-integrators-import.ipynb": [
        "https://w3id.org/attachgraph/releases/",
        "JSON-LD is the same graph: True",
        "HPA-axis dysregulation",
        "consistent: yes",
        "my class sits under:",
        "walking group participation decreases emotional distress",
        "nothing was written",
        "written: False",
    ],
}
# Output types a notebook must produce (a table, a map, an image for slides).
EXPECTED_MIME = {
    "01-researchers-sparql.ipynb": ["text/html"],
    "02-educators-causal-maps.ipynb": ["text/html", "image/svg+xml"],
    "03-integrators-import.ipynb": ["text/html"],
}


# --- keeping notebooks diff-friendly ---------------------------------------------------------


def layout_problems(nb: dict[str, Any]) -> list[str]:
    """Return what keeps a notebook (parsed JSON) from being committed as it is."""
    problems = []
    if (nb.get("nbformat"), nb.get("nbformat_minor")) != (4, 5):
        problems.append(f"nbformat {nb.get('nbformat')}.{nb.get('nbformat_minor')}, not 4.5")
    if nb.get("metadata") != NOTEBOOK_METADATA:
        problems.append(f"notebook metadata {json.dumps(nb.get('metadata'), sort_keys=True)} is not the minimal kernel and language entry")
    for index, cell in enumerate(nb.get("cells", []), 1):
        where = f"cell {index} ({cell.get('id', 'no id')})"
        if cell.get("metadata"):
            problems.append(f"{where} has metadata {sorted(cell['metadata'])}")
        if cell.get("cell_type") == "code":
            if cell.get("outputs"):
                problems.append(f"{where} has {len(cell['outputs'])} output(s)")
            if cell.get("execution_count") is not None:
                problems.append(f"{where} has execution count {cell['execution_count']}")
        if cell.get("attachments"):
            problems.append(f"{where} has attachments")
    cells = nb.get("cells", [])
    if not cells or cells[0].get("cell_type") != "markdown" or not "".join(cells[0].get("source", "")).startswith(NOTICE):
        problems.append(f"the first cell must be Markdown starting with {NOTICE!r}")
    return problems


def strip(path: Path) -> None:
    """Remove outputs, execution counts and extra metadata from a notebook file, in place."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    nb.nbformat, nb.nbformat_minor = 4, 5
    for index, cell in enumerate(nb.cells, 1):
        cell.metadata = nbformat.from_dict({})
        cell.pop("attachments", None)
        if not cell.get("id"):
            cell.id = f"cell-{index:02d}"
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nbformat.validate(nb)
    nbformat.write(nb, str(path))


def test_the_three_tutorials_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} == set(EXPECTED_OUTPUT)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_and_minimal_metadata(path: Path) -> None:
    import nbformat

    text = path.read_text(encoding="utf-8")
    nb = json.loads(text)
    problems = layout_problems(nb)
    assert not problems, f"{path.name}: " + "; ".join(problems) + f"\nstrip it: python tests/test_notebooks.py --strip {path.relative_to(NOTEBOOK_DIR.parent)}"
    nbformat.validate(nbformat.reads(text, as_version=4))
    # the form nbformat (and Jupyter) writes, so that saving in Jupyter gives no whitespace diff
    assert text == nbformat.writes(nbformat.reads(text, as_version=4)) + "\n"


def test_layout_check_catches_outputs_and_strip_removes_them(tmp_path: Path) -> None:
    import nbformat

    nb = nbformat.read(str(NOTEBOOKS[0]), as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    code.execution_count = 3
    code.metadata["scrolled"] = True
    nb.metadata["widgets"] = {}
    nb.metadata["language_info"]["version"] = "3.11.7"
    dirty = tmp_path / "dirty.ipynb"
    nbformat.write(nb, str(dirty))

    found = layout_problems(json.loads(dirty.read_text(encoding="utf-8")))
    assert any("1 output(s)" in p for p in found)
    assert any("execution count 3" in p for p in found)
    assert any("metadata ['scrolled']" in p for p in found)
    assert any("notebook metadata" in p for p in found)

    strip(dirty)
    assert layout_problems(json.loads(dirty.read_text(encoding="utf-8"))) == []
    assert dirty.read_text(encoding="utf-8") == NOTEBOOKS[0].read_text(encoding="utf-8")


def test_layout_check_wants_the_notice_first() -> None:
    nb = json.loads(NOTEBOOKS[0].read_text(encoding="utf-8"))
    nb["cells"] = nb["cells"][1:]
    assert any("first cell" in p for p in layout_problems(nb))


# --- running them --------------------------------------------------------------------------


@pytest.fixture
def kernel_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Path]]:
    """A kernel spec for this interpreter; Jupyter and IPython files under tmp_path; a fresh TMPDIR."""
    spec_dir = tmp_path / "jupyter" / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (attachgraph tests)",
        "language": "python",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    folders = {name: tmp_path / name for name in ("cwd", "ipython", "runtime")}
    for folder in folders.values():
        folder.mkdir()
    # a short TMPDIR of its own: Chromium (PNG export) fails when its profile folder, made in
    # TMPDIR, gives a socket path over the 108-byte Unix limit, as pytest's deep tmp_path does
    folders["tmp"] = Path(tempfile.mkdtemp(prefix="agnb-"))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))  # searched before any other kernel folder
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(folders["runtime"]))
    monkeypatch.setenv("IPYTHONDIR", str(folders["ipython"]))
    monkeypatch.setenv("TMPDIR", str(folders["tmp"]))  # the kernel's tempfile folder
    yield folders
    shutil.rmtree(folders["tmp"], ignore_errors=True)


def _outputs(nb: Any) -> tuple[str, set[str], str]:
    """All text of a run notebook's outputs, the MIME types shown, and what went to stderr."""
    texts, mimes, stderr = [], set(), []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                (stderr if out.name == "stderr" else texts).append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                mimes.update(out.data)
                texts += [str(v) for k, v in out.data.items() if k.startswith("text/")]
    return "\n".join(texts), mimes, "".join(stderr)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_top_to_bottom(path: Path, kernel_env: dict[str, Path]) -> None:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    # the kernel is this interpreter (the project's venv), whatever else is installed
    assert KernelSpecManager().get_kernel_spec(KERNEL).argv[0] == sys.executable
    committed = path.read_bytes()
    nb = nbformat.reads(committed.decode("utf-8"), as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        resources={"metadata": {"path": str(kernel_env["cwd"])}},
    )
    client.execute()  # raises CellExecutionError, naming the cell, on the first error

    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    text, mimes, stderr = _outputs(nb)
    assert stderr == "", f"{path.name} wrote to stderr:\n{stderr}"
    missing = [s for s in EXPECTED_OUTPUT[path.name] if s not in text]
    assert not missing, f"{path.name}: outputs lack {missing}"
    assert set(EXPECTED_MIME[path.name]) <= mimes, f"{path.name}: shows {sorted(mimes)}"
    assert "Traceback" not in text

    # written only into a temporary folder: the working folder stays empty, the repository unchanged
    assert list(kernel_env["cwd"].iterdir()) == []
    assert path.read_bytes() == committed
    assert sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb")) == sorted(p.name for p in NOTEBOOKS)
    written = [p for p in kernel_env["tmp"].rglob("*") if p.is_file()]
    assert written, "the notebook wrote nothing into its temporary folder"
    # a server started by the notebook was stopped, and its store deleted
    assert not list(kernel_env["tmp"].glob("attachgraph-serve-*"))


def _main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "--strip":
        print("usage: python tests/test_notebooks.py --strip NOTEBOOK.ipynb ...", file=sys.stderr)
        return 2
    for name in argv[1:]:
        strip(Path(name))
        print(f"stripped {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
