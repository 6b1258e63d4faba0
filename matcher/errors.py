"""Errors the engine raises for bad input or bad data files.

Every error carries a message an officer can act on: it names the file (and the field or row) and
what is wrong, in Chinese, with an English gloss for scripts. The CLI prints it on one line and
exits 2; the app shows it in the page. Nothing here knows about the UI.
"""

from __future__ import annotations


class MatcherError(Exception):
    """Base class: a problem with the user's input or data files (never a bug)."""


class DataFileError(MatcherError):
    """A chain, zone or reference file under data/ (or supplied by the user) is invalid."""

    def __init__(self, path, field: str, problem: str):
        self.path = str(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: 字段 {field}: {problem}")


class InputFileError(MatcherError):
    """A candidate list cannot be read (missing, corrupt, no recognisable header, ...)."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
