"""What we add to the Django admin for accessibility (the crawl in tests/browser/test_axe_crawl.py checks
every admin page with axe-core; these pin the fixes without a browser)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import signed_in
from tests.contacts.support import record


@pytest.fixture
def admin_client(client, admin_user):
    return signed_in(client, admin_user)


@pytest.mark.django_db
def test_each_date_and_time_box_is_named_after_its_field(officer, admin_client):
    crime = record(officer)
    html = admin_client.get(reverse("admin:cases_crime_change", args=[crime.pk])).content.decode()
    assert 'aria-label="Occurred at: date"' in html and 'aria-label="Occurred at: time"' in html
    assert 'aria-label="Reported at: date"' in html
    user = admin_client.get(reverse("admin:accounts_user_change", args=[officer.pk])).content.decode()
    assert 'aria-label="Date joined: date"' in user


@pytest.mark.django_db
def test_the_admin_loads_our_style_sheet_and_names_inline_boxes(admin_client, org):
    page = admin_client.get(reverse("admin:accounts_bcu_change", args=[org["bcu_a"].pk])).content.decode()
    assert "css/admin.css" in page
    # A stacked inline: each team's name box has a label of its own (a tabular one had column headings).
    assert re.search(r"<label [^>]*for=\"id_teams-0-name\"", page)
