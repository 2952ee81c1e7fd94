"""Reads that encode a rule: above all, who may see which case. Every view and API endpoint goes
through cases_visible_to(); anything outside it is a 404, so existence never leaks."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from victimcare.accounts.constants import CASE_ROLES, OIC_ROLES, Role
from victimcare.accounts.models import Team, User
from victimcare.accounts.selectors import oversight_q

from .constants import normalise_reference
from .models import Crime, CrimeVictim, Person


def _scope_q(user: User) -> Q | None:
    """Rows the user may see before the restricted-case rule. None means nothing at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role not in CASE_ROLES:
        # Analysts see aggregates only; partners see referrals only. Neither sees a case.
        return None
    oversees = oversight_q(user, team="team", bcu="bcu")
    if oversees is not None and not oversees:
        return Q()  # administrators: everything (restricted cases aside)
    q = Q(oic=user)
    if user.team_id and user.role in OIC_ROLES:
        q |= Q(team_id=user.team_id)  # officers and supervisors work their own team's cases
    return q | oversees if oversees is not None else q


def cases_visible_to(user: User) -> QuerySet[Crime]:
    q = _scope_q(user)
    if q is None:
        return Crime.objects.none()
    visible = Crime.objects.filter(q)
    # Restricted cases: only the named users, whatever their role.
    named = Crime.named_users.through.objects.filter(crime_id=OuterRef("pk"), user_id=user.pk)
    visible = visible.filter(Q(is_restricted=False) | Exists(named))
    # Joins through M2M (supervisors, inspectors) can repeat rows; filter by id to keep one per crime.
    if user.role in (Role.SUPERVISOR, Role.INSPECTOR):
        return Crime.objects.filter(pk__in=visible.values("pk"))
    return visible


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


def case_list(
    *, user: User, scope: str = "mine", q: str = "", status: str = "", flags: list[str] | None = None
) -> QuerySet[Crime]:
    qs = cases_visible_to(user)
    if scope == "mine":
        qs = qs.filter(oic=user)
    q = " ".join((q or "").split())
    if q:
        ref = normalise_reference(q)
        name_parts = q.lower().split()
        person_q = Q()
        for part in name_parts:
            person_q &= Q(person__first_name__icontains=part) | Q(person__last_name__icontains=part)
        by_name = CrimeVictim.objects.filter(person_q, crime_id=OuterRef("pk"))
        qs = qs.filter(Q(reference__icontains=ref) | Exists(by_name))
    if status:
        qs = qs.filter(status=status)
    for flag in flags or []:
        if flag in {"is_domestic_abuse", "is_hate_crime", "is_sensitive", "is_restricted"}:
            qs = qs.filter(**{flag: True})
    return qs.select_related("offence", "oic", "team").order_by("-recorded_at", "-id")


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
            "contact_plan",
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


def who_to_tell(crime: Crime) -> list[int]:
    """The one rule for who hears about a case's messages (a victim's question, a failed delivery, a draft
    to send): the officer in case; with no officer yet, the team's active supervisors, who allocate it."""
    if crime.oic_id:
        return [crime.oic_id]
    return list(crime.team.supervisors.filter(is_active=True).values_list("pk", flat=True))
