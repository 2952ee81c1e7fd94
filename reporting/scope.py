"""Who sees which figures: supervisors their teams, inspectors their BCUs, analysts and administrators the
force, an officer their own duties; partners nothing. Built from the one oversight hierarchy
(victimcare.accounts.selectors.oversight), read as ids once per request."""

from dataclasses import dataclass

from cases.selectors import hidden_restricted, scope_ids
from victimcare.accounts.constants import CASE_ROLES, Role
from victimcare.accounts.models import BCU, Team, User
from victimcare.accounts.selectors import oversight


@dataclass(frozen=True)
class Scope:
    label: str  # "the force", "North BCU", "your teams", "your duties"
    everything: bool = False
    bcu_ids: tuple[int, ...] | None = None
    team_ids: tuple[int, ...] | None = None
    owner_ids: tuple[int, ...] | None = None
    # Drill-downs list cases, for those who may see cases (and then only the ones they may see).
    can_drill: bool = False

    def teams(self):
        qs = Team.objects.select_related("bcu").order_by("bcu__name", "name")
        if self.team_ids is not None:
            return qs.filter(pk__in=self.team_ids)
        if self.bcu_ids is not None:
            return qs.filter(bcu_id__in=self.bcu_ids)
        if self.owner_ids is not None:
            return qs.none()
        return qs

    def bcus(self):
        qs = BCU.objects.order_by("name")
        if self.bcu_ids is not None:
            return qs.filter(pk__in=self.bcu_ids)
        if self.team_ids is not None:
            return qs.filter(teams__in=self.team_ids).distinct()
        if self.owner_ids is not None:
            return qs.none()
        return qs


def scope_for(user: User) -> Scope | None:
    """None: no dashboards at all."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.role in (Role.ADMIN, Role.ANALYST):
        return Scope(label="the force", everything=True, can_drill=user.role in CASE_ROLES)
    if user.role == Role.INSPECTOR:
        over = oversight(user)
        bcus = tuple(over.bcu_ids) if over.bcu_ids is not None else ()
        names = list(BCU.objects.filter(pk__in=bcus).order_by("name").values_list("name", flat=True))
        label = names[0] if len(names) == 1 else "your BCUs"
        return Scope(label=label, bcu_ids=bcus, can_drill=True)
    if user.role == Role.SUPERVISOR:
        over = oversight(user)
        teams = ([user.team_id] if user.team_id else []) + list(over.team_ids or [])
        teams = tuple(dict.fromkeys(teams))
        label = Team.objects.get(pk=teams[0]).name if len(teams) == 1 else "your teams"
        return Scope(label=label, team_ids=teams, can_drill=True)
    if user.role == Role.OFFICER:
        return Scope(label="your duties", owner_ids=(user.pk,), can_drill=True)
    return None


def hidden_cases(user: User) -> tuple[int, ...]:
    """Restricted cases in the reader's area that do not name them: left out of the working figures
    (overdue now, due soon) and of every drill-down, so that no figure they can open leads to one."""
    ids = scope_ids(user)
    return () if ids is None else tuple(hidden_restricted(user, ids))
