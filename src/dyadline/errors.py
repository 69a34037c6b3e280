"""Exceptions raised by dyadline, each with a code and a hint.

    DyadlineError                 base; ``str()`` is "[Ennn] message"
    ├── DataFileError   E1xx      a bad row in a lexicon data file (file:line)
    ├── InputError      E2xx      an input file or record that cannot be read
    ├── ModelError      E3xx      the spaCy pipeline cannot be loaded
    ├── StorageError    E4xx      the database cannot be opened or written
    └── UsageError      E5xx      a bad option or argument value

The CLI prints ``Error: [Ennn] …`` and exits 1; the library never exits.
"""
from __future__ import annotations


class DyadlineError(Exception):
    code = "E000"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        self.message = message
        if code:
            self.code = code
        super().__init__(f"[{self.code}] {message}")


class DataFileError(DyadlineError):
    """A lexicon data file has a bad row; the message names file and line."""

    code = "E100"

    def __init__(self, path: str, line: int, message: str, *, code: str = "E101") -> None:
        self.path, self.line = path, line
        super().__init__(f"{path}:{line}: {message}", code=code)


class InputError(DyadlineError):
    code = "E200"


class ModelError(DyadlineError):
    code = "E300"


class StorageError(DyadlineError):
    code = "E400"


class UsageError(DyadlineError):
    code = "E500"
