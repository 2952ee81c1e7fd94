"""The access matrix: every staff URL for every kind of user. A case you may not see is a 404."""

import pytest
from django.urls import reverse

from cases import selectors
from tests.factories import CrimeFactory, UserFactory

CASE_URLS = [
    ("cases:detail", {}),
    ("cases:event_new", {}),
    ("cases:allocate", {}),
    ("cases:victim_add", {}),
    ("cases:victim_detail", {"cv": True}),
    ("cases:victim_edit", {"cv": True}),
    ("cases:needs_assessment", {"cv": True}),
]
LIST_URLS = ["cases:mine", "cases:team", "cases:new"]


def case_urls(crime):
    cv = crime.victims.first()
    out = []
    for name, kw in CASE_URLS:
        kwargs = {"ref": crime.slug}
        if kw.get("cv"):
            kwargs["cv_id"] = cv.id
        out.append(reverse(name, kwargs=kwargs))
    return out


@pytest.fixture
def users(officer, colleague, supervisor, inspector, outsider, partner, analyst, admin_user, org):
    other_supervisor = UserFactory(role="supervisor", team=org["team_a2"])
    org["team_a2"].supervisors.add(other_supervisor)
    return {
        "officer": officer,
        "colleague": colleague,
        "supervisor": supervisor,
        "inspector": inspector,
        "admin": admin_user,
        "outsider": outsider,
        "partner": partner,
        "analyst": analyst,
        "other_team_supervisor": other_supervisor,
    }


SEES = {"officer", "colleague", "supervisor", "inspector", "admin"}


@pytest.mark.django_db
def test_case_urls_matrix(users, case, make_client):
    urls = case_urls(case) + [reverse("cases:access_log", kwargs={"ref": case.slug})]
    for who, user in users.items():
        c = make_client(user)
        for url in urls:
            r = c.get(url)
            if url.endswith("/access-log/"):
                expected = 200 if who in {"admin", "inspector"} else 404
            else:
                expected = 200 if who in SEES else 404
            assert r.status_code == expected, (who, url, r.status_code)


@pytest.mark.django_db
def test_posts_by_outsiders_are_404_and_change_nothing(users, case, make_client):
    for who in ("outsider", "partner", "analyst", "other_team_supervisor"):
        c = make_client(users[who])
        for url in case_urls(case):
            assert (
                c.post(
                    url, {"code": "ARREST", "occurred_at": "2026-01-01T10:00", "first_name": "X"}
                ).status_code
                == 404
            )
    case.refresh_from_db()
    assert case.events.count() == 0 and case.victims.count() == 1


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(case, client):
    for url in case_urls(case) + [reverse(n) for n in LIST_URLS]:
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url


@pytest.mark.django_db
def test_list_pages_by_role(users, make_client):
    for who, user in users.items():
        for name in LIST_URLS:
            r = make_client(user).get(reverse(name))
            assert r.status_code == (403 if who in {"partner", "analyst"} else 200), (who, name)


@pytest.mark.django_db
def test_restricted_cases_only_for_named_users(
    officer, colleague, supervisor, inspector, admin_user, make_client
):
    crime = CrimeFactory(team=officer.team, oic=officer, is_restricted=True, status="allocated")
    crime.named_users.add(officer)
    url = crime.get_absolute_url()
    assert make_client(officer).get(url).status_code == 200
    for user in (colleague, supervisor, inspector, admin_user):
        assert make_client(user).get(url).status_code == 404
        assert crime not in selectors.cases_visible_to(user)
    crime.named_users.add(supervisor)
    assert make_client(supervisor).get(url).status_code == 200


@pytest.mark.django_db
def test_visibility_by_role(
    org, officer, colleague, supervisor, inspector, outsider, partner, analyst, admin_user
):
    mine = CrimeFactory(team=org["team_a1"], oic=officer)
    team = CrimeFactory(team=org["team_a1"], oic=colleague)
    other_team = CrimeFactory(team=org["team_a2"])
    other_bcu = CrimeFactory(team=org["team_b1"])
    expect = {
        officer: {mine, team},
        colleague: {mine, team},
        supervisor: {mine, team},
        inspector: {mine, team, other_team},
        outsider: {other_bcu},
        admin_user: {mine, team, other_team, other_bcu},
        partner: set(),
        analyst: set(),
    }
    for user, crimes in expect.items():
        assert set(selectors.cases_visible_to(user)) == crimes, user.email
    # Supervising two teams does not duplicate rows.
    org["team_a2"].supervisors.add(supervisor)
    assert selectors.cases_visible_to(supervisor).count() == 3


@pytest.mark.django_db
def test_unknown_reference_and_other_victims_are_404(case, officer_client, outsider):
    assert officer_client.get("/cases/VC-99999-26/").status_code == 404
    other = CrimeFactory(team=outsider.team)
    other_cv = other.victims.first()
    url = reverse("cases:victim_edit", kwargs={"ref": case.slug, "cv_id": other_cv.id})
    assert officer_client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_search_by_name_and_an_invalid_victim_form_are_audited(officer, officer_client):
    from django.urls import reverse

    from tests.contacts.support import person, record, victims
    from victimcare.audit.models import AccessAction, AccessRecord

    cv = victims(record(officer, people=[person(first_name="Zebedee", last_name="Quill")]))[0]
    officer_client.get(reverse("cases:mine"), {"q": "zebedee"})
    searched = AccessRecord.objects.get(action=AccessAction.VICTIM_SEARCHED)
    assert searched.crime_id == cv.crime_id and "zebedee" in searched.path
    officer_client.get(reverse("cases:mine"), {"q": cv.crime.reference})  # a reference: not a name search
    assert AccessRecord.objects.filter(action=AccessAction.VICTIM_SEARCHED).count() == 1
    url = reverse("cases:victim_edit", kwargs={"ref": cv.crime.slug, "cv_id": cv.id})
    before = AccessRecord.objects.filter(action=AccessAction.VICTIM_VIEWED, person=cv.person).count()
    r = officer_client.post(url, {"first_name": "", "email": "not an email"})
    assert r.status_code == 200 and "Quill" in r.content.decode()
    assert (
        AccessRecord.objects.filter(action=AccessAction.VICTIM_VIEWED, person=cv.person).count() == before + 1
    )
