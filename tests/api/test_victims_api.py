"""GET /api/victims/ and GET /api/victims/{id}/."""

import pytest

from tests.factories import CrimeFactory, PersonFactory
from victimcare.audit.models import AccessAction, AccessRecord

LIST_URL = "/api/victims/"


def detail_url(person):
    return f"/api/victims/{person.pk}/"


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def victim(case):
    return case.victims.get().person


# --- access matrix ---------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "colleague", "supervisor", "inspector", "admin_user"])
def test_case_workers_in_scope_see_the_victim(request, api, victim, who):
    user = request.getfixturevalue(who)
    assert ids(api(user).get(LIST_URL)) == [victim.id]
    response = api(user).get(detail_url(victim))
    assert response.status_code == 200
    assert response.json()["email"] == victim.email


def test_outsider_sees_nobody(api, victim, outsider):
    assert ids(api(outsider).get(LIST_URL)) == []
    assert api(outsider).get(detail_url(victim)).status_code == 404
    assert AccessRecord.objects.count() == 0


def test_unknown_id_is_the_same_404(api, victim, officer, outsider):
    unknown = api(officer).get("/api/victims/999999/")
    hidden = api(outsider).get(detail_url(victim))
    assert unknown.status_code == hidden.status_code == 404
    assert unknown.json() == hidden.json()


@pytest.mark.parametrize("who", ["partner", "analyst"])
def test_partners_and_analysts_are_refused(request, api, victim, who):
    user = request.getfixturevalue(who)
    assert api(user).get(LIST_URL).status_code == 403
    assert api(user).get(detail_url(victim)).status_code == 403
    assert AccessRecord.objects.count() == 0


def test_anonymous_is_refused(api, victim):
    assert api().get(LIST_URL).status_code in (401, 403)
    assert api().get(detail_url(victim)).status_code in (401, 403)


def test_victim_on_a_restricted_case_only_for_named_users(api, org, officer, colleague):
    person = PersonFactory()
    restricted = CrimeFactory(team=org["team_a1"], oic=officer, is_restricted=True, victims=[person])
    restricted.named_users.add(officer)
    assert ids(api(officer).get(LIST_URL)) == [person.id]
    assert ids(api(colleague).get(LIST_URL)) == []
    assert api(colleague).get(detail_url(person)).status_code == 404


# --- content ---------------------------------------------------------------------------------------
def test_roles_only_on_crimes_the_user_may_see(api, org, case, victim, officer, outsider):
    elsewhere = CrimeFactory(team=org["team_b1"], victims=[victim])
    mine = api(officer).get(detail_url(victim)).json()
    assert [r["crime"]["reference"] for r in mine["roles"]] == [case.reference]
    assert mine["roles"][0]["role"] == "victim"
    assert mine["roles"][0]["crime"]["url"].endswith(f"/api/crimes/{case.slug}/")
    theirs = api(outsider).get(detail_url(victim)).json()
    assert [r["crime"]["reference"] for r in theirs["roles"]] == [elsewhere.reference]
    listed = api(officer).get(LIST_URL).json()["results"]
    assert [r["crime"]["reference"] for r in listed[0]["roles"]] == [case.reference]


def test_filter_by_crime_reference(api, org, case, victim, officer):
    other = CrimeFactory(team=org["team_a1"], oic=officer)
    other_person = other.victims.get().person
    assert ids(api(officer).get(LIST_URL, {"crime": case.reference})) == [victim.id]
    assert ids(api(officer).get(LIST_URL, {"crime": other.slug.lower()})) == [other_person.id]


def test_filter_by_an_invisible_crime_reveals_nothing(api, org, victim, officer):
    # The victim is visible to the officer through their case, but is also on a crime in another BCU:
    # filtering by that crime must not confirm that the person is on it.
    elsewhere = CrimeFactory(team=org["team_b1"], victims=[victim])
    assert ids(api(officer).get(LIST_URL, {"crime": elsewhere.reference})) == []


def test_filter_by_name(api, org, officer):
    ann = PersonFactory(first_name="Annabel", last_name="Smithson")
    bob = PersonFactory(first_name="Robert", last_name="Annan")
    CrimeFactory(team=org["team_a1"], oic=officer, victims=[ann, bob])
    assert ids(api(officer).get(LIST_URL, {"name": "smiths"})) == [ann.id]
    assert ids(api(officer).get(LIST_URL, {"name": "ann"})) == [bob.id, ann.id]  # by last name
    assert ids(api(officer).get(LIST_URL, {"name": "annabel smith"})) == [ann.id]


# --- audit -----------------------------------------------------------------------------------------
def test_list_writes_one_access_record_per_person_on_the_page(
    api, org, officer, django_assert_max_num_queries
):
    people = [PersonFactory() for _ in range(5)]
    CrimeFactory(team=org["team_a1"], oic=officer, victims=people)
    with django_assert_max_num_queries(4):  # count, page, roles, one audit INSERT
        response = api(officer).get(LIST_URL, {"page_size": 3})
    page_ids = ids(response)
    assert len(page_ids) == 3
    records = AccessRecord.objects.filter(action=AccessAction.API_VICTIM_READ)
    assert sorted(r.person_id for r in records) == sorted(page_ids)
    # Each row names the crime, so the read shows in that case's access log.
    assert {(r.user_id, r.crime_id) for r in records} == {(officer.id, people[0].roles.get().crime_id)}


def test_empty_list_writes_no_access_records(api, victim, outsider):
    api(outsider).get(LIST_URL)
    assert AccessRecord.objects.count() == 0


def test_detail_writes_an_access_record_per_visible_crime(api, org, case, victim, officer):
    CrimeFactory(team=org["team_b1"], victims=[victim])  # invisible to the officer: not recorded against
    second = CrimeFactory(team=org["team_a1"], oic=officer, victims=[victim])
    api(officer).get(detail_url(victim))
    records = AccessRecord.objects.filter(action=AccessAction.API_VICTIM_READ)
    assert sorted((r.crime_id, r.person_id) for r in records) == sorted(
        [(case.id, victim.id), (second.id, victim.id)]
    )
    assert {r.path for r in records} == {detail_url(victim)}


# --- query counts ----------------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["officer", "supervisor", "inspector"])
def test_list_query_count_does_not_grow_with_rows(
    request, api, org, officer, django_assert_max_num_queries, who
):
    user = request.getfixturevalue(who)
    for _ in range(3):
        CrimeFactory(team=org["team_a1"], oic=officer, victims=[PersonFactory(), PersonFactory()])
    with django_assert_max_num_queries(4):
        assert len(ids(api(user).get(LIST_URL))) == 6
    shared = PersonFactory()
    for _ in range(27):
        CrimeFactory(team=org["team_a1"], oic=officer, victims=[PersonFactory(), shared])
    with django_assert_max_num_queries(4):
        response = api(user).get(LIST_URL, {"page_size": 100})
        assert len(ids(response)) == 34
    shared_row = next(r for r in response.json()["results"] if r["id"] == shared.id)
    assert len(shared_row["roles"]) == 27
