"""Reads that encode a rule: above all, who may see which case. Every view and API endpoint goes
through cases_visible_to() (the case list pages through case_rows, built from the same two rules: _scope
and _unrestricted_or_named); anything outside it is a 404, so existence never leaks."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from victimcare.accounts.constants import CASE_ROLES, OIC_ROLES, Role
from victimcare.accounts.models import Team, User
from victimcare.accounts.selectors import oversight, oversight_q

from .constants import normalise_reference
from .models import Crime, CrimeVictim, Person


@dataclass(frozen=True)
class ScopeIds:
    """The scope rule as ids, read now: everything (administrators), or the person's own cases plus whole
    teams and BCUs. For tables that carry a crime's team and BCU themselves (open duties), so that they are
    filtered by those columns without joining crimes; see hidden_restricted."""

    everything: bool = False
    user_id: int | None = None
    team_ids: tuple[int, ...] = ()
    bcu_ids: tuple[int, ...] = ()


def scope_ids(user: User) -> ScopeIds | None:
    """None: nothing at all (not a case worker)."""
    if not user.is_authenticated or not user.is_active or user.role not in CASE_ROLES:
        # Analysts see aggregates only; partners see referrals only. Neither sees a case.
        return None
    over = oversight(user)
    if over.everything:
        return ScopeIds(everything=True)
    # Officers and supervisors work their own team's cases.
    own = [user.team_id] if user.team_id and user.role in OIC_ROLES else []
    teams = own + [t for t in (over.team_ids or []) if t not in own]
    return ScopeIds(user_id=user.pk, team_ids=tuple(teams), bcu_ids=tuple(over.bcu_ids or []))


def scope_q(ids: ScopeIds, *, oic: str = "oic", team: str = "team_id", bcu: str = "bcu_id") -> list[Q]:
    """ScopeIds as conditions on any table with those columns, one per index range; the first is the own
    cases' (officer in case) condition."""
    if ids.everything:
        return [Q()]
    return (
        [Q(**{oic: ids.user_id})]
        + [Q(**{team: t}) for t in ids.team_ids]
        + [Q(**{bcu: b}) for b in ids.bcu_ids]
    )


def hidden_restricted(user: User, ids: ScopeIds) -> list[int]:
    """Restricted cases within the scope that the person is not named on (usually none): to leave out of
    anything filtered by scope_q rather than by cases_visible_to."""
    return list(
        Crime.objects.filter(reduce(or_, scope_q(ids)), is_restricted=True)
        .exclude(named_users=user)
        .values_list("pk", flat=True)
    )


def _scope(user: User, *, concrete: bool = False) -> list[Q] | None:
    """Rows the user may see before the restricted-case rule, as conditions any one of which admits a row:
    their own cases, their team's (officers and supervisors), the teams and BCUs they oversee
    (accounts.selectors.oversight). None means nothing at all; [Q()] everything. Overseen teams and BCUs
    are id subqueries, not joins, so no row repeats. `concrete` reads those ids now (one small query)
    and gives one condition per team or BCU, each one range of an index (for case_rows)."""
    if concrete:
        ids = scope_ids(user)
        return None if ids is None else scope_q(ids)
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role not in CASE_ROLES:
        return None
    over = oversight(user)
    if over.everything:
        return [Q()]  # administrators: everything (restricted cases aside)
    # Officers and supervisors work their own team's cases.
    own = [user.team_id] if user.team_id and user.role in OIC_ROLES else []
    parts = [Q(oic=user)]
    parts += [Q(team_id=t) for t in own]
    if over.team_ids is not None:
        parts.append(Q(team_id__in=over.team_ids))
    if over.bcu_ids is not None:
        parts.append(Q(bcu_id__in=over.bcu_ids))
    return parts


def _unrestricted_or_named(user: User) -> Q:
    """Restricted cases: only the named users, whatever their role."""
    named = Crime.named_users.through.objects.filter(crime_id=OuterRef("pk"), user_id=user.pk)
    return Q(is_restricted=False) | Exists(named)


def cases_visible_to(user: User, *, concrete: bool = False) -> QuerySet[Crime]:
    """`concrete` reads the overseen team and BCU ids first (one small query) so that the database gets
    plain id conditions: used where the crimes are a subquery of a large table (duties, inbox items), where
    PostgreSQL otherwise scans the whole table (5.2 s against 0.12 s for a sergeant's open duties at
    1,000,000 crimes)."""
    parts = _scope(user, concrete=concrete)
    if parts is None:
        return Crime.objects.none()
    return Crime.objects.filter(reduce(or_, parts)).filter(_unrestricted_or_named(user))


def case_get(*, user: User, ref: str) -> Crime:
    """The case page's crime, by reference (slashes or dashes), or 404."""
    reference = normalise_reference(ref)
    crime = (
        cases_visible_to(user)
        .select_related("offence", "bcu", "team", "oic", "oic__team", "created_by")
        .filter(reference=reference)
        .first()
    )
    if crime is None:
        raise Http404("No case found")
    return crime


def _search_q(q: str) -> Q | None:
    """A search box's words: crimes whose reference contains them (slashes or dashes), or with a victim
    whose first or last name contains each word. One set of ids (a union) that the trigram indexes find
    on PostgreSQL (migration 0006), so the database starts from the matches, not from every visible case."""
    q = " ".join((q or "").split())
    if not q:
        return None
    by_ref = Crime.objects.filter(reference__icontains=normalise_reference(q)).order_by().values("pk")
    person_q = Q()
    for part in q.lower().split():
        person_q &= Q(person__first_name__icontains=part) | Q(person__last_name__icontains=part)
    by_name = CrimeVictim.objects.filter(person_q).order_by().values("crime_id")
    return Q(pk__in=by_ref.union(by_name, all=True))


def _filters_q(status: str, flags: list[str] | None) -> Q:
    q = Q(status=status) if status else Q()
    for flag in flags or []:
        if flag in {"is_domestic_abuse", "is_hate_crime", "is_sensitive", "is_restricted"}:
            q &= Q(**{flag: True})
    return q


LIST_ORDER = ("-recorded_at", "-id")
LIST_RELATED = ("offence", "oic", "team")


def case_list(
    *, user: User, scope: str = "mine", q: str = "", status: str = "", flags: list[str] | None = None
) -> QuerySet[Crime]:
    qs = cases_visible_to(user)
    if scope == "mine":
        qs = qs.filter(oic=user)
    if (found := _search_q(q)) is not None:
        qs = qs.filter(found)
    return qs.filter(_filters_q(status, flags)).select_related(*LIST_RELATED).order_by(*LIST_ORDER)


class CaseRows:
    """A case list for Paginator (count() and slices) that reads its order from the list indexes: one
    branch per condition of the user's scope (their own cases, each team, each BCU), every branch leaving
    out the rows of the ones before it, so a UNION ALL repeats no row. The covering indexes (Crime.Meta)
    answer the count and the page's ids without reading the table; then the page's crimes are read by id.
    A page in the older half is read from the other end (oldest first, then reversed), so the last page
    costs what the first does."""

    def __init__(self, branches: list[QuerySet], *, count_limit: int | None = None) -> None:
        self._branches = branches  # (id, recorded_at) rows, unordered
        self._count: int | None = None
        self._limit = count_limit
        # More rows than the count limit: the count stops there (a BCU's 100,000 cases cost 100 ms to count
        # exactly, and nobody pages through them: they search or filter). The list says "more than".
        self.more = False

    def _union(self, branches: list[QuerySet]) -> QuerySet:
        return branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]

    def count(self) -> int:
        if self._count is None:
            rows = self._union(self._branches)
            if self._limit is None:
                self._count = rows.count()
            else:
                # COUNT over a LIMITed subquery: the index scan stops at limit + 1 rows.
                self._count = rows.order_by()[: self._limit + 1].count()
                if self._count > self._limit:
                    self._count, self.more = self._limit, True
        return self._count

    def __getitem__(self, page: slice) -> list[Crime]:
        start, stop = page.start or 0, page.stop
        n = self.count()
        stop = n if stop is None else min(stop, n)
        if start >= stop:
            return []
        # Reading from the oldest end needs the true count, so not when the count stopped at its limit.
        backwards = start > n - stop and not self.more
        direction, offset = ("ASC", n - stop) if backwards else ("DESC", start)
        order = [f"{'-' if direction == 'DESC' else ''}{f}" for f in ("recorded_at", "id")]
        branches = self._branches
        if len(branches) > 1 and connection.features.supports_slicing_ordering_in_compound:
            # PostgreSQL (15) sorts a UNION ALL's rows rather than merging its branches' index order, so each
            # branch brings only the rows the page could need, in index order (offset + page size at most).
            branches = [b.order_by(*order)[: offset + stop - start] for b in branches]
        sql, params = self._union(branches).query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute(
                # Only Django's own SQL for the union and a fixed direction; every value is a parameter.
                f"SELECT id FROM ({sql}) AS rows_ "  # noqa: S608
                f"ORDER BY recorded_at {direction}, id {direction} LIMIT %s OFFSET %s",
                [*params, stop - start, offset],
            )
            ids = [row[0] for row in cur.fetchall()]
        if backwards:
            ids.reverse()
        crimes = Crime.objects.select_related(*LIST_RELATED).in_bulk(ids)
        return [crimes[i] for i in ids]


def case_rows(
    *, user: User, scope: str = "mine", q: str = "", status: str = "", flags: list[str] | None = None
) -> QuerySet[Crime] | CaseRows:
    """The rows of My cases or Team cases for the list page: the same cases as case_list, in the same
    order. A search starts from its few matches (case_list); browsing walks the indexes (CaseRows)."""
    if _search_q(q) is not None:
        return case_list(user=user, scope=scope, q=q, status=status, flags=flags)
    parts = _scope(user, concrete=scope != "mine")
    if parts is None:
        return Crime.objects.none()
    if scope == "mine":
        parts = [Q(oic=user)]  # always within the scope: every case worker sees their own cases
    rest = _unrestricted_or_named(user) & _filters_q(status, flags)
    branches = []
    for i, part in enumerate(parts):
        branch = Crime.objects.filter(part, rest)
        for earlier in parts[:i]:
            branch = branch.exclude(earlier)
        branches.append(branch.order_by().values_list("id", "recorded_at"))
    return CaseRows(branches, count_limit=settings.CASE_LIST_COUNT_LIMIT)


def victims_visible_to(user: User) -> QuerySet[Person]:
    visible = cases_visible_to(user)
    return Person.objects.filter(
        Exists(CrimeVictim.objects.filter(person_id=OuterRef("pk"), crime__in=visible))
    )


def crime_victims_for_case(crime: Crime) -> QuerySet[CrimeVictim]:
    return (
        crime.victims.select_related(
            "person",
            "needs_assessment",
            "needs_assessment__completed_by",
            "contact_plan",  # contacts' part of the case page reads it: joined here, not one query per victim
        )
        .prefetch_related("added_eligibility__added_by")
        .order_by("id")
    )


def repeat_victim_counts(user: User, person_ids: list[int], exclude_crime_id: int) -> dict[int, int]:
    """How many other crimes, among those the user may see, each person is on."""
    from django.db.models import Count

    rows = (
        CrimeVictim.objects.filter(person_id__in=person_ids, crime__in=cases_visible_to(user))
        .exclude(crime_id=exclude_crime_id)
        .values("person_id")
        .annotate(n=Count("crime_id", distinct=True))
    )
    return {r["person_id"]: r["n"] for r in rows}


def crime_victim_get(*, user: User, ref: str, cv_id: int) -> tuple[Crime, CrimeVictim]:
    """A victim on a case the user may see, or 404 (a victim id from another case is a 404 too)."""
    from django.shortcuts import get_object_or_404

    crime = case_get(user=user, ref=ref)
    cv = get_object_or_404(CrimeVictim.objects.select_related("person"), pk=cv_id, crime=crime)
    cv.crime = crime
    return crime, cv


def officers_in(teams) -> QuerySet[User]:
    """Active officers and supervisors (people who can hold a case) in these teams."""
    return User.objects.filter(team__in=teams, is_active=True, role__in=list(OIC_ROLES)).order_by(
        "last_name", "first_name"
    )


def officers_assignable(*, crime: Crime) -> QuerySet[User]:
    """Officers the case can be (re)allocated to: those in its team."""
    return officers_in([crime.team_id])


def can_view_access_log(user: User, crime: Crime) -> bool:
    """Admins, and inspectors of the case's BCU, can see who looked at a case (the crime is already
    known to be visible to the user)."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.INSPECTOR and crime.bcu.inspectors.filter(pk=user.pk).exists()


def team_scope_label(user: User) -> str:
    if user.role == Role.INSPECTOR:
        return "BCU cases"
    if user.role == Role.ADMIN:
        return "All cases"
    return "Team cases"


def teams_recordable_by(user: User) -> QuerySet[Team]:
    """Teams the user may record a crime for: their own; supervisors also the teams they supervise;
    inspectors the teams in the BCUs they inspect; administrators every team (as the web form)."""
    if user.role == Role.ADMIN:
        return Team.objects.all()
    q = Q(pk=user.team_id) if user.team_id else Q(pk__in=[])
    if (oversees := oversight_q(user, team="")) is not None:
        q |= oversees
    # M2M joins can repeat a team; select by id to keep one row each.
    return Team.objects.filter(pk__in=Team.objects.filter(q).values("pk"))


def team_supervisor_ids(team) -> list[int]:
    """The team's active supervisors (who allocate its cases and oversee its work)."""
    return list(team.supervisors.filter(is_active=True).values_list("pk", flat=True))


def who_to_tell(crime: Crime) -> list[int]:
    """The one rule for who hears about a case's messages (a victim's question, a failed delivery, a draft
    to send): the officer in case; with no officer yet, the team's active supervisors, who allocate it."""
    if crime.oic_id:
        return [crime.oic_id]
    return team_supervisor_ids(crime.team)
