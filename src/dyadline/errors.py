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


#: Input problems are reported, not raised: ``read_inputs`` yields a Problem (with
#: one of these codes in ``.code``) for each bad file or record and the run goes on.
#: E201 (a bad date given to ``code_text``) and E210/E211 (``evaluate``) are raised.
INPUT_PROBLEMS = {
    "E202": "no date: start a text file with the line 'date YYYY-MM-DD', give records a "
            "date field, or pass --date",
    "E203": "a date that is not a real YYYY-MM-DD date: correct it (2024-02-30 does not exist)",
    "E204": "a date in the future: correct it, or the clock of this machine",
    "E205": "no text: the file, or the record's text, is empty or only white space",
    "E206": "a binary file, not text: leave it out of the input folder",
    "E207": "not UTF-8 (warning): decoded as UTF-16 or Windows-1252; save the file as UTF-8",
    "E208": "too large: an article is cut at 100,000 characters (warning), an HTML page over "
            "5 MB is not read; split long documents into articles",
    "E209": "runs of over 200 characters without a space were broken up (warning)",
    "E212": "a line that is not a JSON object, or a CSV row that cannot be parsed: fix that line",
    "E213": "a record without a needed field (id, date, text) or with one of the wrong type",
    "E214": "an HTML page with no main text: save the article's text as .txt",
    "E215": "not English: dyadline codes English; pass --lang-check off to code it anyway",
    "E216": "an unsupported file type: use .txt, .jsonl, .csv, .html, .parquet, .jsonl.gz or .csv.gz",
    "E217": "a file or folder that cannot be read (missing, no permission, a broken gzip or Parquet file)",
    "E219": "reading the file failed unexpectedly: a bug in dyadline, please report it",
}


class ModelError(DyadlineError):
    code = "E300"


class StorageError(DyadlineError):
    code = "E400"


#: Storage codes added for sharing a database between processes (dyadline.sharing).
STORAGE_CODES = {
    "E407": "the database is busy: another process kept it open longer than this one would "
            "wait (the server answers 503 with Retry-After); try again",
}


class UsageError(DyadlineError):
    code = "E500"


#: Usage codes of the server (dyadline.web.guard); E521-E531 are in docs/api.md.
USAGE_CODES = {
    "E532": "a bad request parameter: wrong type, out of range, too long or wrong characters",
    "E533": "a request body over 1 MB (answered 413)",
    "E534": "POST /api/code while coding posted text is off (answered 403; serve --allow-code)",
    "E535": "a series over more than 10,000 periods: narrow the range or use a longer frequency",
    "E536": "no article with that id (answered 404)",
    "E537": "no such route, or a method the route does not take (404 or 405)",
}
