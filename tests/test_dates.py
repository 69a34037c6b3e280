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
