"""Schemathesis against the API's own OpenAPI schema, in process (ASGI).

Hypothesis draws requests for every operation, valid ones and ones that break
the schema (wrong types, out of range, bad patterns), and schemathesis checks
each answer: never a server error, a documented status and content type, a
body matching the schema, and schema-breaking requests refused. Not checked:
that every schema-valid request is accepted, since the routes also refuse what
a schema cannot say (2024-02-30, an inverted date range, an unknown sector).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from dyadline.web import create_app
from dyadline.web.api import build_app

from test_series import coded_db  # the corpora, coded once per session


@pytest.fixture(scope="session")
def nk_db(tmp_path_factory) -> Path:
    return coded_db("nk", tmp_path_factory)


EXAMPLES = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


#: The schema as the app serves it; the routes open the database only when
#: called, so the app built here (on no database) is only read for its schema.
SCHEMA = schemathesis.openapi.from_asgi("/api/openapi.json", build_app(Path("unused.duckdb")))


@pytest.fixture(scope="module")
def reading_app(nk_db):
    return create_app(nk_db)


@pytest.fixture(scope="module")
def coding_app(nk_db):
    return create_app(nk_db, allow_code=True)


@SCHEMA.exclude(path="/api/code").parametrize()
@EXAMPLES
def test_every_route_answers_within_its_schema(case, reading_app):
    response = case.call_and_validate(app=reading_app, excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500


@SCHEMA.include(path="/api/code").parametrize()
@EXAMPLES
def test_code_is_refused_when_off(case, reading_app):
    response = case.call_and_validate(app=reading_app, excluded_checks=[positive_data_acceptance])
    assert response.status_code in (403, 405, 413)      # 405: a method the route lacks


@SCHEMA.include(path="/api/code").parametrize()
@settings(EXAMPLES, max_examples=10)
def test_posted_text_is_coded_or_refused_cleanly(case, coding_app):
    response = case.call_and_validate(app=coding_app, excluded_checks=[positive_data_acceptance])
    assert response.status_code in (200, 400, 405, 413)
