"""A 403 is one log line on the console, not a traceback."""

import logging

import pytest


@pytest.mark.django_db
def test_a_refusal_is_logged_without_a_traceback(analyst, caplog, make_client):
    console = next(h for h in logging.getLogger().handlers if getattr(h, "filters", None))
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert make_client(analyst).get("/work/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    for record in records:
        assert console.filter(record)  # the configured console handler lets the line through...
        assert "Traceback" not in console.format(record)  # ...without the traceback
