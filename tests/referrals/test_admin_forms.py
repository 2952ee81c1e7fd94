"""The admin's routing rules and organisations, as an administrator uses them: conditions ticked by name
(not typed as JSON codes), an impossible age range said in words, and the history of changes in words
(names, not codes; "none", not [] or None)."""

import re

import pytest

from referrals.models import RoutingRule, SupportOrganisation
from tests.factories import BCUFactory


@pytest.fixture
def admin_client(make_client, admin_user):
    return make_client(admin_user)


@pytest.fixture
def rule(db):
    org = SupportOrganisation.objects.create(name="Safer Homes IDVA", kind="domestic_abuse")
    rule = RoutingRule.objects.create(name="Domestic abuse: IDVA", flags=["domestic_abuse"])
    rule.organisations.add(org)
    return rule


def _post(rule, **changes):
    data = {
        "name": rule.name,
        "active": "on",
        "trigger": rule.trigger,
        "organisations": [o.pk for o in rule.organisations.all()],
        "flags": rule.flags,
        "_continue": "Save",
    }
    data.update(changes)
    return data


def test_a_rules_conditions_are_ticked_by_name(admin_client, rule):
    page = admin_client.get(f"/admin/referrals/routingrule/{rule.pk}/change/").content.decode()
    assert '<textarea name="flags"' not in page
    assert re.search(r'type="checkbox" name="flags" value="domestic_abuse"[^>]*checked', page)
    assert "Domestic abuse" in page and "Persistently targeted" in page and "Bereaved close relative" in page
    assert '["domestic_abuse"]' not in page and "Flags: domestic_abuse" not in page

    r = admin_client.post(
        f"/admin/referrals/routingrule/{rule.pk}/change/",
        _post(
            rule,
            flags=["domestic_abuse", "enhanced"],
            enhanced_reasons=["persistently_targeted"],
            roles=["victim"],
            offence_groups=["violence"],
        ),
    )
    assert r.status_code == 302
    rule.refresh_from_db()
    assert rule.flags == ["domestic_abuse", "enhanced"]
    assert rule.enhanced_reasons == ["persistently_targeted"]
    assert (rule.roles, rule.offence_groups) == (["victim"], ["violence"])


def test_an_impossible_age_range_is_said_in_words(admin_client, rule):
    r = admin_client.post(
        f"/admin/referrals/routingrule/{rule.pk}/change/", _post(rule, min_age="18", max_age="17")
    )
    page = r.content.decode()
    assert r.status_code == 200
    assert "The oldest age cannot be less than the youngest age." in page
    assert "routingrule_age_range" not in page
    rule.refresh_from_db()
    assert rule.min_age is None


def test_an_organisations_groups_are_ticked_and_its_areas_named(admin_client):
    org = SupportOrganisation.objects.create(
        name="Young Victims", kind="children", victim_groups=["children"]
    )
    page = admin_client.get(f"/admin/referrals/supportorganisation/{org.pk}/change/").content.decode()
    assert re.search(r'type="checkbox" name="victim_groups" value="children"[^>]*checked', page)
    assert "Children and young people" in page
    assert "Codes from referrals.constants" not in page and "Victim groups: all" not in page
    assert "Areas (BCUs) served" in page


def test_the_history_says_what_changed_in_words(admin_client, rule):
    north = BCUFactory(name="North")
    admin_client.post(
        f"/admin/referrals/routingrule/{rule.pk}/change/",
        _post(rule, flags=["domestic_abuse", "hate_crime"], bcus=[north.pk], min_age="16"),
    )
    page = admin_client.get(f"/admin/referrals/routingrule/{rule.pk}/history/").content.decode()
    assert "Flags:</strong> Domestic abuse &rarr; Domestic abuse, Hate crime" in page
    assert "Areas (BCUs):</strong> none &rarr; North" in page
    assert "Youngest age:</strong> none &rarr; 16" in page
    assert "hate_crime" not in page and "None" not in page and "Bcus" not in page
    assert "Not recorded (made outside the admin)" in page  # the rule made in code, not by a person
    assert 'style="' not in page.split('id="change-history"')[1]


def test_a_partner_member_is_chosen_from_partner_users_only(admin_client, partner, officer):
    page = admin_client.get("/admin/referrals/partnermember/add/").content.decode()
    assert f'<option value="{partner.pk}"' in page
    assert f'<option value="{officer.pk}"' not in page
    assert "Partner agency" in page
