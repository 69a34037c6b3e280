"""Date expressions resolved against the article's date (a Saturday here)."""
from __future__ import annotations

from datetime import date

import pytest

from dyadline.pipeline.dates import resolve_date

ON = date(2024, 3, 23)  # Saturday


@pytest.mark.parametrize("text,want", [
    ("last year", "2023"), ("this year", "2024"), ("next year", "2025"), ("last year's", "2023"),
    ("two years ago", "2022"), ("in 2019", "2019"), ("2019", "2019"),
    ("last month", "2024-02"), ("this month", "2024-03"), ("earlier this month", "2024-03"),
    ("yesterday", "2024-03-22"), ("today", "2024-03-23"), ("overnight", "2024-03-23"),
    ("last night", "2024-03-22"), ("on Friday", "2024-03-22"), ("Monday", "2024-03-18"),
    ("Saturday", "2024-03-23"), ("last Saturday", "2024-03-16"), ("next Tuesday", "2024-03-26"),
    ("last week", "2024-03-16"),
    ("March 5", "2024-03-05"), ("5 March", "2024-03-05"), ("March 5, 2023", "2023-03-05"),
    ("5th of March 2022", "2022-03-05"), ("Oct. 10", "2023-10-10"), ("December 2023", "2023-12"),
    ("in November", "2023-11"), ("in February", "2024-02"), ("Sept. 11, 2001", "2001-09-11"),
    ("2024-01-15", "2024-01-15"),
    ("decades", None), ("recent weeks", None), ("the past two years", None), ("February 30", None),
])
def test_resolve(text, want):
    assert resolve_date(text, ON) == want


@pytest.mark.parametrize("text,anchor,want", [
    ("two days later", "2022-01-02", "2022-01-04"), ("a day later", "2024-02-29", "2024-03-01"),
    ("three days earlier", "2024-03-02", "2024-02-28"), ("a week later", "2024-03-16", "2024-03-23"),
    ("the next day", "2023-12-31", "2024-01-01"), ("the following day", "2024-03-22", "2024-03-23"),
    ("the previous day", "2024-03-01", "2024-02-29"), ("the same day", "2024-03-22", "2024-03-22"),
    ("that same day", "2024-03-22", "2024-03-22"), ("two months later", "2023-12-05", "2024-02"),
    ("a year later", "2022-05-01", "2023"), ("two days later", "2023-05", "2023-05"),
    ("the coming days", "2024-03-22", None), ("recent weeks", "2024-03-22", None),
])
def test_resolve_relative(text, anchor, want):
    from dyadline.pipeline.dates import resolve_relative
    assert resolve_relative(text, anchor) == want


@pytest.mark.parametrize("text,want", [("a year ago", "2023"), ("a decade", None)])
def test_resolve_more(text, want):
    assert resolve_date(text, ON) == want


def test_relative_to_last_date(coder):
    """"Two days later" counts from the last full date the text gave."""
    from dyadline.model import Article
    doc = coder.parse(Article(id="t", date="2022-01-06", text=(
        "Protests began on January 2. Two days later, crowds filled the streets of Almaty.")))
    values = {doc[i].text: v for i, v in doc._.dates.items()}
    assert values.get("later") == "2022-01-04"


def test_coordinated_after_clauses(coder):
    """"comes a day after X ..., and two days after Y ...": each counted from the main act."""
    from dyadline.model import Article
    events = coder.code(Article(id="t", date="2024-01-16", text=(
        "The exchange comes a day after Houthi rebels attacked a U.S.-owned ship, "
        "and two days after Houthi rebels attacked an American destroyer.")))
    assert sorted(e.date for e in events if e.type == "ASSAULT") == ["2024-01-14", "2024-01-15"]
    assert all(e.background for e in events if e.type == "ASSAULT")


def test_date_context(coder):
    """The lead's day for the next sentence; an older opening date for the rest of its paragraph."""
    from dyadline.model import Article
    doc = coder.parse(Article(id="t", date="2025-05-19", text=(
        "Libya's prime minister met militia leaders on Sunday. He urged them to disarm.\n\n"
        "On May 12, clashes broke out in Tripoli. Residents fled the city. They blamed the militias.\n\n"
        "The government says it is in control.")))
    ctx = doc._.date_context
    assert ctx.get(1) == ("2025-05-18", "lead")
    assert ctx.get(3) == ("2025-05-12", "frame") and ctx.get(4) == ("2025-05-12", "frame")
    assert 5 not in ctx


@pytest.mark.parametrize("text,want", [
    ("Monday", "2024-03-25"), ("Saturday", "2024-03-23"), ("last Friday", "2024-03-22"),
    ("in February", "2025-02"), ("in May", "2024-05"), ("March 5", "2025-03-05"), ("March 30", "2024-03-30"),
])
def test_resolve_ahead(text, want):
    """Told of what will be ("will meet on Monday"): the next such day or month."""
    assert resolve_date(text, ON, ahead=True) == want
