"""Record a crime: every problem at once, in one error summary, each naming its field in words."""

import re

import pytest
from django.urls import reverse

from cases.models import Crime

pytestmark = pytest.mark.django_db
URL = reverse("cases:new")
BLANK = {"victims-TOTAL_FORMS": "1", "victims-INITIAL_FORMS": "0"}


def summary(response) -> list[tuple[str, str]]:
    html = response.content.decode()
    assert html.count('class="govuk-error-summary"') == 1
    return re.findall(r'<li><a href="([^"]*)">([^<]*)</a></li>', html.split('class="govuk-error-summary"')[1])


def test_an_empty_form_lists_every_missing_answer_by_name(officer_client):
    r = officer_client.post(URL, BLANK)
    html = r.content.decode()
    assert "This field is required" not in html
    items = summary(r)
    assert ("#id_reference", "Enter the crime reference, like VC/12345/26.") in items
    assert ("#id_occurred_at", "Enter when the offence happened.") in items
    assert ("#id_location", "Enter where the offence happened.") in items
    assert ("#id_victims-0-first_name", "Victim 1: Enter their first name.") in items
    assert ("#id_victims-0-last_name", "Victim 1: Enter their last name.") in items
    assert len(items) == len(set(items))
    assert not Crime.objects.exists()


def test_the_services_checks_come_in_the_same_round_as_the_missing_answers(officer_client):
    r = officer_client.post(
        URL,
        {
            **BLANK,
            "reference": "VC/12345/26",
            "occurred_at": "2026-11-20T10:00",
            "reported_at": "2026-11-19T10:00",
            "victims-0-first_name": "Al",
            "victims-0-email": "not an email",
        },
    )
    items = summary(r)
    assert (
        "#id_reported_at",
        "The crime cannot be reported before it happened.",
    ) in items  # the service's check
    assert ("#id_location", "Enter where the offence happened.") in items  # a missing answer
    assert ("#id_victims-0-email", "Victim 1: Enter an email address like name@example.com.") in items
    assert ("#id_victims-0-last_name", "Victim 1: Enter their last name.") in items
    fields = [href for href, _ in items]
    assert len(fields) == len(set(fields))  # one message per field
    assert not Crime.objects.exists()


def test_a_broken_victim_count_is_one_clear_message(officer_client):
    r = officer_client.post(URL, {"victims-TOTAL_FORMS": "²", "victims-INITIAL_FORMS": "0"})
    assert r.status_code == 200
    items = summary(r)
    assert sum("victim" in text.lower() for _, text in items) == 1
