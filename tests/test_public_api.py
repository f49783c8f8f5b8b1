"""The public API: a small, sorted, importable __all__, and one exception hierarchy."""

from __future__ import annotations

import inspect

import pytest

import attachgraph
from attachgraph import errors


def test_all_is_sorted_and_every_name_resolves() -> None:
    """__all__ is sorted and each name in it can be imported from the package."""
    assert attachgraph.__all__ == sorted(attachgraph.__all__)
    for name in attachgraph.__all__:
        assert getattr(attachgraph, name) is not None


def test_unknown_attribute_is_an_attribute_error() -> None:
    """A name outside the API raises AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no attribute"):
        attachgraph.no_such_thing  # noqa: B018


def test_every_error_derives_from_the_one_root() -> None:
    """Every exception class in errors.py is an AttachgraphError and is exported."""
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if issubclass(obj, Exception)]
    assert classes
    for cls in classes:
        assert issubclass(cls, errors.AttachgraphError), cls
        assert cls.__name__ in errors.__all__ and cls.__name__ in attachgraph.__all__
        assert cls.__doc__, f"{cls.__name__} needs a docstring saying when it is raised"


@pytest.mark.parametrize("name", ["load", "KnowledgeGraph"])
def test_public_callables_are_documented(name: str) -> None:
    """The entry points carry numpydoc docstrings with examples."""
    doc = getattr(attachgraph, name).__doc__ or ""
    assert "Examples" in doc or name == "KnowledgeGraph"
