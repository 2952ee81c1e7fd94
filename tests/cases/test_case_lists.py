"""The case lists (My cases, Team cases, BCU cases): every page lists exactly the cases the user may see, in
order, whichever way the selector reads them, and the number of queries does not grow with the cases."""

from datetime import timedelta

import pytest
from django.core.paginator import Paginator
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.models import Crime, Person
from tests.factories import CrimeFactory, PersonFactory
from victimcare.accounts.selectors import oversight, oversight_q
from victimcare.audit.models import AccessAction, AccessRecord


def newest_first(crimes) -> list[int]:
    return [c.pk for c in sorted(crimes, key=lambda c: (c.recorded_at, c.pk), reverse=True)]


def listed(user, scope: str, per_page: int = 4, **filters) -> list[int]:
    """Every page of the list, as the view reads it."""
    paginator = Paginator(selectors.case_rows(user=user, scope=scope, **filters), per_page)
    return [c.pk for n in paginator.page_range for c in paginator.page(n).object_list]


@pytest.fixture
def cases(org, officer, colleague, supervisor, inspector, outsider):
    """Crimes on both sides of every line the lists draw: the officer's own (one in another team), the
    team's (some not allocated: no officer in case), another team of the BCU, another BCU, restricted ones
    (one naming the officer), a closed one, flagged ones; recorded at times that interleave, with ties."""
    now = timezone.now()
    at = iter(now - timedelta(hours=h) for h in [1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
    a1, a2, b1 = org["team_a1"], org["team_a2"], org["team_b1"]
    c = {
        "mine": CrimeFactory(team=a1, oic=officer, recorded_at=next(at)),
        "mine_tie": CrimeFactory(team=a1, oic=officer, recorded_at=now - timedelta(hours=2)),
        "mine_elsewhere": CrimeFactory(team=b1, oic=officer, recorded_at=next(at)),
        "team": CrimeFactory(team=a1, oic=colleague, recorded_at=next(at)),
        "team_unallocated": CrimeFactory(team=a1, oic=None, recorded_at=next(at)),
        "team_closed": CrimeFactory(
            team=a1,
            oic=colleague,
            status="closed",
            closure_reason="no_suspect",
            closed_at=now,
            recorded_at=next(at),
        ),
        "team_hate": CrimeFactory(team=a1, oic=colleague, is_hate_crime=True, recorded_at=next(at)),
        "other_team": CrimeFactory(
            team=a2,
            oic=None,
            recorded_at=next(at),
            victims=[PersonFactory(first_name="Wilhelmina", last_name="Strudwick")],
        ),
        "other_team_da": CrimeFactory(team=a2, oic=None, is_domestic_abuse=True, recorded_at=next(at)),
        "other_bcu": CrimeFactory(team=b1, oic=outsider, recorded_at=next(at)),
        "restricted": CrimeFactory(team=a1, oic=colleague, is_restricted=True, recorded_at=next(at)),
        "restricted_named": CrimeFactory(team=a1, oic=colleague, is_restricted=True, recorded_at=next(at)),
    }
    for _ in range(3):
        c[f"team_{_}"] = CrimeFactory(team=a1, oic=colleague, recorded_at=next(at))
    c["restricted_named"].named_users.add(officer)
    return c


@pytest.mark.django_db
def test_every_page_lists_what_the_user_may_see_newest_first(
    cases, org, officer, colleague, supervisor, inspector, outsider, admin_user
):
    c = cases
    everything = set(c.values()) - {c["restricted"], c["restricted_named"]}
    team_a1 = {x for k, x in c.items() if k.startswith("team") or k.startswith("mine")} - {
        c["mine_elsewhere"]
    }
    expect_team = {
        officer: team_a1 | {c["mine_elsewhere"], c["restricted_named"]},
        colleague: team_a1,
        supervisor: team_a1,
        inspector: team_a1 | {c["other_team"], c["other_team_da"]},
        outsider: {c["other_bcu"], c["mine_elsewhere"]},
        admin_user: everything,
    }
    for user, crimes in expect_team.items():
        want = newest_first(crimes)
        assert listed(user, "team") == want, user.email
        assert list(selectors.case_list(user=user, scope="team").values_list("pk", flat=True)) == want
        assert list(selectors.cases_visible_to(user).order_by("-recorded_at", "-id")) == [
            Crime.objects.get(pk=pk) for pk in want
        ]
    mine = newest_first({c["mine"], c["mine_tie"], c["mine_elsewhere"]})
    assert listed(officer, "mine") == mine
    # Supervising a second team, and an officer in case with no team of their own, repeat nothing.
    org["team_a2"].supervisors.add(supervisor)
    want = newest_first(team_a1 | {c["other_team"], c["other_team_da"]})
    assert listed(supervisor, "team") == want
    assert listed(supervisor, "team", per_page=1) == want
    # Filters narrow every branch alike.
    assert listed(inspector, "team", status="closed") == [c["team_closed"].pk]
    assert listed(inspector, "team", flags=["is_domestic_abuse"]) == [c["other_team_da"].pk]
    assert listed(officer, "team", flags=["is_restricted"]) == [c["restricted_named"].pk]
    # A search finds the same cases within the same scope.
    assert listed(inspector, "team", q="strudwick") == [c["other_team"].pk]
    assert listed(inspector, "team", q="wilhelmina strud") == [c["other_team"].pk]
    assert listed(officer, "team", q="strudwick") == []
    assert listed(officer, "team", q=c["mine_elsewhere"].slug) == [c["mine_elsewhere"].pk]


@pytest.mark.django_db
def test_no_one_outside_case_work_sees_a_list(cases, partner, analyst):
    for user in (partner, analyst):
        for scope in ("mine", "team"):
            assert listed(user, scope) == []


@pytest.mark.django_db
def test_oversight_by_id_is_oversight_q(org, officer, supervisor, inspector, outsider, admin_user, analyst):
    """accounts.selectors.oversight (ids, for the lists) and oversight_q (joins) cover the same rows."""
    org["team_b1"].supervisors.add(supervisor)
    org["bcu_b"].inspectors.add(inspector)
    for team in (org["team_a1"], org["team_a2"], org["team_b1"]):
        CrimeFactory(team=team)
    for user in (officer, supervisor, inspector, outsider, admin_user, analyst):
        over, q = oversight(user), oversight_q(user, team="team", bcu="bcu")
        by_join = set(Crime.objects.filter(q).distinct()) if q is not None else set()
        by_id = Q(pk__in=[])
        if over.everything:
            by_id = Q()
        if over.team_ids is not None:
            by_id |= Q(team_id__in=over.team_ids)
        if over.bcu_ids is not None:
            by_id |= Q(bcu_id__in=over.bcu_ids)
        assert set(Crime.objects.filter(by_id)) == by_join, user.email


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "supervisor", "inspector"])
def test_list_queries_do_not_grow_with_the_cases(request, org, officer, make_client, who):
    user = request.getfixturevalue(who)
    org["team_a2"].supervisors.add(request.getfixturevalue("supervisor"))
    client = make_client(user)
    person = PersonFactory(first_name="Yolanda", last_name="Quixote")
    target = CrimeFactory(team=org["team_a1"], oic=officer, victims=[person])

    def queries(url: str, params: dict) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            r = client.get(url, params)
        assert r.status_code == 200
        return len(ctx.captured_queries)

    pages = [
        (reverse("cases:mine"), {}),
        (reverse("cases:team"), {}),
        (reverse("cases:team"), {"page": "999"}),  # past the end: the last page
        (reverse("cases:team"), {"q": "quixote"}),
        (reverse("cases:team"), {"q": target.reference}),
        (reverse("cases:team"), {"status": "recorded", "flags": ["is_sensitive"]}),
    ]
    few = [queries(url, params) for url, params in pages]
    for team in (org["team_a1"], org["team_a2"]):
        for _ in range(30):
            CrimeFactory(team=team, oic=officer if team == org["team_a1"] else None)
    many = [queries(url, params) for url, params in pages]
    assert many == few
    assert (
        max(many) <= 8
    )  # session and user, the scope's ids, count, the page's ids and rows, an audit INSERT


@pytest.mark.django_db
def test_a_search_by_name_still_records_each_case_shown(org, officer, inspector, make_client):
    found = [
        CrimeFactory(team=org["team_a2"], victims=[PersonFactory(last_name="Umberfield")]) for _ in range(3)
    ]
    CrimeFactory(team=org["team_b1"], victims=[PersonFactory(last_name="Umberfield")])  # not the inspector's
    make_client(inspector).get(reverse("cases:team"), {"q": "umberfield"})
    records = AccessRecord.objects.filter(user=inspector, action=AccessAction.VICTIM_SEARCHED)
    assert sorted(records.values_list("crime_id", flat=True)) == sorted(c.pk for c in found)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_searches_through_the_trigram_indexes(officer):
    """The trigram indexes (migration 0006) are on the very expressions the search's icontains writes, so
    PostgreSQL can start a search from its matches (forced here: on a few rows it would rather scan)."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    for qs, index in [
        (Person.objects.filter(last_name__icontains="strudwick"), "person_last_name_trgm_idx"),
        (Person.objects.filter(first_name__icontains="wilhelmina"), "person_first_name_trgm_idx"),
        (Crime.objects.filter(reference__icontains="VC/10001"), "crime_reference_trgm_idx"),
    ]:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL enable_seqscan = off")
            cur.execute("SET LOCAL enable_indexscan = off")
            sql, params = qs.order_by().values("pk").query.sql_with_params()
            cur.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cur.fetchall())
        assert index in plan, plan


@pytest.mark.django_db
def test_a_list_longer_than_the_count_limit_says_more_than_and_pages_newest_first(
    cases, inspector, settings, client, monkeypatch
):
    from cases import views
    from tests.conftest import signed_in

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    want = listed(inspector, "team")
    settings.CASE_LIST_COUNT_LIMIT = 5
    rows = selectors.case_rows(user=inspector, scope="team")
    assert rows.count() == 5 and rows.more
    # The pages that can be reached are the newest, in order (never read from the oldest end).
    assert listed(inspector, "team", per_page=2) == want[:5]
    signed_in(client, inspector)
    page = client.get(reverse("cases:team") + "?page=3").content.decode()
    assert "More than 5 cases" in page and "Page 3 of more than 3" in page
    settings.CASE_LIST_COUNT_LIMIT = 100
    rows = selectors.case_rows(user=inspector, scope="team")
    assert rows.count() == len(want) and not rows.more
