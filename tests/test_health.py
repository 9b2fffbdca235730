"""`/healthz`: 200 when the database answers, 503 when it does not, and never cached."""

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db


def test_health_check_answers_ok_when_the_database_responds(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_check_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}


def test_health_check_is_never_cached_and_sets_no_cookie(client):
    response = client.get("/healthz")

    assert "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_health_check_accepts_head_but_refuses_post(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
