from datetime import date

from django.db.models import Q, QuerySet

from .constants import Role
from .models import Absence, User


def people_user_may_record_absence_for(user: User) -> QuerySet[User]:
    """Yourself; supervisors also the people in teams they supervise; inspectors the people in their BCUs;
    admins anyone active with a team."""
    if user.role == Role.ADMIN:
        return User.objects.filter(is_active=True, team__isnull=False)
    q = Q(pk=user.pk)
    if user.role == Role.SUPERVISOR:
        q |= Q(team__supervisors=user)
    elif user.role == Role.INSPECTOR:
        q |= Q(team__bcu__inspectors=user)
    return User.objects.filter(pk__in=User.objects.filter(q, is_active=True).values("pk")).order_by(
        "last_name"
    )


def absent_on(user_id: int, day: date) -> Absence | None:
    """The absence covering `day` for this member of staff, if any."""
    return Absence.objects.filter(user_id=user_id, starts_on__lte=day, ends_on__gte=day).first()
