"""Sharing one DuckDB file between a writer and readers in other processes.

DuckDB lets one process open a file for writing, or several for reading, never
both at once: opening a file another process holds fails at once with a lock
error. dyadline keeps every opening short instead (``dyadline code`` opens the
file for each batch, the server for each request) and retries the lock:

* :func:`connect` retries with a short backoff for ``wait`` seconds
  (:data:`READ_WAIT` for readers, :data:`WRITE_WAIT` for writers), then raises
  :class:`StorageError` E407 ("busy"; the server answers 503 with Retry-After).
* A writer that finds the file held posts its intent in ``FILE.writer`` (its
  pid; the file's time is kept fresh while it waits) and removes it once in.
  Readers about to open the file wait while a fresh intent is posted, so a busy
  server (readers overlapping without a gap) cannot starve the writer. An
  intent older than :data:`INTENT_FRESH` seconds (its writer died) is ignored.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import duckdb

from .errors import StorageError

#: Seconds a reader, and a writer, keep trying to open a file another process holds.
READ_WAIT = 2.0
WRITE_WAIT = 60.0
#: A writer's posted intent older than this (seconds) is ignored.
INTENT_FRESH = 1.0


def is_lock_error(exc: BaseException) -> bool:
    """Whether DuckDB refused to open a file because another process holds it (or,
    in this process, a connection opened in the other mode, read-only or not)."""
    text = str(exc).lower()
    return (isinstance(exc, duckdb.IOException) and "lock" in text) or \
        (isinstance(exc, duckdb.ConnectionException) and "different configuration" in text)


def intent_file(path: str) -> Path:
    return Path(path + ".writer")


def _post_intent(path: str) -> None:
    try:
        intent_file(path).write_text(str(os.getpid()), encoding="ascii")
    except OSError:        # a folder we cannot write to: readers just will not yield
        pass


def _drop_intent(path: str) -> None:
    try:
        intent_file(path).unlink()
    except OSError:
        pass


def writer_waiting(path: str) -> bool:
    """Whether a writer has posted a fresh intent to open ``path``."""
    try:
        return time.time() - intent_file(path).stat().st_mtime < INTENT_FRESH
    except OSError:
        return False


def connect(path: str, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Open ``path``, retrying while another process holds it, for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    if read_only:
        while writer_waiting(path) and time.monotonic() < deadline:
            time.sleep(0.01)
    pause, posted, refreshed = 0.005, False, 0.0
    try:
        while True:
            try:
                return duckdb.connect(path, read_only=read_only)
            except duckdb.Error as exc:
                if not is_lock_error(exc):
                    raise StorageError(f"cannot open {path}: {exc}", code="E402") from None
                if time.monotonic() + pause > deadline:
                    holder = "a writer" if read_only else "another process"
                    raise StorageError(f"{path} is busy: {holder} has it open (waited {wait:g} s); "
                                       "try again", code="E407") from None
            if not read_only and time.monotonic() - refreshed > INTENT_FRESH / 4:
                _post_intent(path)
                posted, refreshed = True, time.monotonic()
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    finally:
        if posted:
            _drop_intent(path)
