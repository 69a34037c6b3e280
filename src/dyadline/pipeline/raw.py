"""The event record the event stage leaves on the Doc, before it becomes a model Event."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Actor, Location


@dataclass
class RawEvent:
    """An event as the parse gives it, before it becomes a model Event."""

    type: str
    cameo: str
    source: Actor | None
    target: Actor | None
    trigger: int                 # token index
    sentence_index: int
    start: int                   # token span of the evidence
    end: int
    factuality: str = "asserted"
    background: bool = False
    date: str | None = None
    mode: str | None = None
    fatalities: int | None = None
    location: "Location | tuple[str, str | None] | None" = None
    rule: str = ""
    nominal: bool = False
    dated: bool = False          # the date was told in the event's own clause
    arcs: list[str] = field(default_factory=list)
