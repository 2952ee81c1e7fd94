"""Which support services serve a crime's area: one rule (referrals.selectors.support_services_for),
read the same by the officer's care card and the victim's portal page. Force-wide services (no area set)
were once left off the care card while the portal showed them."""

import pytest
from django.urls import reverse

from referrals.models import SupportOrganisation
from referrals.selectors import support_services_for
from tests.contacts.support import person, record, victims
from tests.factories import BCUFactory
from tests.portal.conftest import give_account, signed_in_client


@pytest.fixture
def orgs(officer):
    here, elsewhere = officer.team.bcu, BCUFactory()
    local = SupportOrganisation.objects.create(name="Northtown Victim Care", kind="general")
    local.bcus.add(here)
    force_wide = SupportOrganisation.objects.create(name="Force-wide Victim Service", kind="general")
    homicide = SupportOrganisation.objects.create(
        name="National Homicide Service", kind="bereavement", is_national=True
    )
    national = SupportOrganisation.objects.create(
        name="National Victim Helpline", kind="general", is_national=True
    )
    other = SupportOrganisation.objects.create(name="Southtown Victim Care", kind="general")
    other.bcus.add(elsewhere)
    closed = SupportOrganisation.objects.create(name="Closed Service", kind="general", active=False)
    return {
        "local": local,
        "force_wide": force_wide,
        "national": national,
        "homicide": homicide,
        "other": other,
        "closed": closed,
    }


@pytest.mark.django_db
def test_the_rule(orgs, officer):
    names = [o.name for o in support_services_for(bcu_id=officer.team.bcu_id)]
    # Local first (including force-wide), then national; never another area's or a closed service.
    assert names == [
        "Force-wide Victim Service",
        "Northtown Victim Care",
        "National Homicide Service",
        "National Victim Helpline",
    ]


@pytest.mark.django_db
def test_care_card_and_portal_list_the_same_services(orgs, officer, officer_client):
    cv = victims(record(officer, people=[person()]))[0]
    card = officer_client.get(
        reverse("contacts:care_card", kwargs={"ref": cv.crime.slug, "cv_id": cv.id})
    ).content.decode()
    give_account(cv)
    portal = signed_in_client(cv).get("/portal/support/").content.decode()
    for page in (card, portal):
        for key in ("local", "force_wide", "national"):
            assert orgs[key].name in page, (key, page[:200])
        for key in ("other", "closed"):
            assert orgs[key].name not in page


@pytest.mark.django_db
def test_only_services_that_fit_the_crime_and_the_victim(orgs, officer, officer_client):
    """A homicide service is not offered for a theft (it once was, on every care card)."""
    cv = victims(record(officer, people=[person()]))[0]
    card = officer_client.get(
        reverse("contacts:care_card", kwargs={"ref": cv.crime.slug, "cv_id": cv.id})
    ).content.decode()
    assert orgs["local"].name in card and orgs["national"].name in card
    assert orgs["homicide"].name not in card
