from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from .constants import Role
from .models import BCU, Absence, Team, User


def _path(prefix: str, field: str) -> str:
    return f"{prefix}__{field}" if prefix else field


def oversight_q(user: User, *, team: str, bcu: str | None = None) -> Q | None:
    """The one scope hierarchy: what a member of staff oversees beyond their own work, as a condition on
    a row's team (`team` is the path to it, "" for Team itself; `bcu` the path to the BCU, by default
    the team's). Supervisors oversee the teams they supervise, inspectors the BCUs they inspect,
    administrators everything (Q()); officers, analysts and partners oversee nothing (None).
    Supervisor and inspector conditions join through many-to-many tables, so a queryset filtered by
    them can repeat rows: select by id (`pk__in=qs.values("pk")`) to keep one each."""
    if user.role == Role.ADMIN:
        return Q()
    if user.role == Role.SUPERVISOR:
        return Q(**{_path(team, "supervisors"): user})
    if user.role == Role.INSPECTOR:
        return Q(**{_path(bcu if bcu is not None else _path(team, "bcu"), "inspectors"): user})
    return None


@dataclass(frozen=True)
class Oversight:
    """What oversight_q covers, as ids: a row is overseen if `everything`, or its team's id is among
    `team_ids`, or its BCU's among `bcu_ids` (lazy querysets of ids; None where the role oversees none).
    As `team_id__in=...` subqueries they never repeat rows, unlike oversight_q's joins, and a list page
    can read them to walk one index range per team or BCU."""

    everything: bool = False
    team_ids: QuerySet | None = None
    bcu_ids: QuerySet | None = None


def oversight(user: User) -> Oversight:
    """oversight_q's hierarchy, by id (the team path is the row's own team, the BCU path its own BCU)."""
    if user.role == Role.ADMIN:
        return Oversight(everything=True)
    if user.role == Role.SUPERVISOR:
        return Oversight(
            team_ids=Team.supervisors.through.objects.filter(user_id=user.pk).values_list(
                "team_id", flat=True
            )
        )
    if user.role == Role.INSPECTOR:
        return Oversight(
            bcu_ids=BCU.inspectors.through.objects.filter(user_id=user.pk).values_list("bcu_id", flat=True)
        )
    return Oversight()


def people_user_may_record_absence_for(user: User) -> QuerySet[User]:
    """Yourself; supervisors also the people in teams they supervise; inspectors the people in their BCUs;
    admins anyone active with a team."""
    if user.role == Role.ADMIN:
        return User.objects.filter(is_active=True, team__isnull=False)
    q = Q(pk=user.pk)
    if (oversees := oversight_q(user, team="team")) is not None:
        q |= oversees
    return User.objects.filter(pk__in=User.objects.filter(q, is_active=True).values("pk")).order_by(
        "last_name"
    )


def absent_on(user_id: int, day: date) -> Absence | None:
    """The absence covering `day` for this member of staff, if any."""
    return Absence.objects.filter(user_id=user_id, starts_on__lte=day, ends_on__gte=day).first()
