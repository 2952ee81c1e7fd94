"""Who may see and who may make self-assessments. One home for the rule, read by the pages and the service:
analysts and administrators the force and every BCU; inspectors the force's and their own BCUs' (and make
them for their BCUs); supervisors read the force's and their teams' BCUs'; officers and partners nothing.
Built on the one scope hierarchy (victimcare.accounts.selectors.oversight)."""

from django.db.models import Q, QuerySet

from victimcare.accounts.constants import Role
from victimcare.accounts.models import BCU, Team, User
from victimcare.accounts.selectors import oversight

from .assessment_models import AssessmentComponent, SelfAssessment

READ_ROLES = frozenset({Role.ADMIN, Role.ANALYST, Role.INSPECTOR, Role.SUPERVISOR})
FORCE_ROLES = frozenset({Role.ADMIN, Role.ANALYST})


def may_read(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in READ_ROLES)


def _bcu_ids(user: User) -> QuerySet | None:
    """The BCUs whose assessments the reader sees, as a subquery of ids; None for every BCU."""
    if user.role in FORCE_ROLES:
        return None
    over = oversight(user)
    if user.role == Role.INSPECTOR:
        return over.bcu_ids
    if user.role == Role.SUPERVISOR:
        return Team.objects.filter(Q(pk=user.team_id) | Q(pk__in=over.team_ids)).values("bcu_id")
    return BCU.objects.none().values("pk")


def assessments_visible_to(user: User) -> QuerySet[SelfAssessment]:
    if not may_read(user):
        return SelfAssessment.objects.none()
    qs = SelfAssessment.objects.select_related("bcu", "assessed_by")
    ids = _bcu_ids(user)
    return qs if ids is None else qs.filter(Q(bcu__isnull=True) | Q(bcu_id__in=ids))


def may_assess_force(user: User) -> bool:
    return may_read(user) and user.role in FORCE_ROLES


def bcus_user_may_assess(user: User) -> QuerySet[BCU]:
    if not may_read(user):
        return BCU.objects.none()
    if user.role in FORCE_ROLES:
        return BCU.objects.order_by("name")
    if user.role == Role.INSPECTOR:
        return BCU.objects.filter(pk__in=oversight(user).bcu_ids).order_by("name")
    return BCU.objects.none()


def may_assess(user: User, bcu: BCU | None = None) -> bool:
    """May make an assessment of this BCU (None: the force); with no BCU named, of anything at all."""
    if bcu is None:
        return may_assess_force(user)
    return bcus_user_may_assess(user).filter(pk=bcu.pk).exists()


def may_assess_anything(user: User) -> bool:
    return may_assess_force(user) or bcus_user_may_assess(user).exists()


def assessment_for(user: User, pk: int) -> SelfAssessment | None:
    """One assessment the reader may see; None whether it is missing or not theirs (the same answer)."""
    return assessments_visible_to(user).filter(pk=pk).first()


def earlier_of(assessment: SelfAssessment, *, limit: int = 2) -> list[SelfAssessment]:
    """The same force's or BCU's assessments made before this one, newest first."""
    return list(
        SelfAssessment.objects.filter(bcu_id=assessment.bcu_id)
        .filter(
            Q(assessed_at__lt=assessment.assessed_at)
            | Q(assessed_at=assessment.assessed_at, pk__lt=assessment.pk)
        )
        .order_by("-assessed_at", "-pk")[:limit]
    )


def components_with_indicators() -> list[AssessmentComponent]:
    return list(AssessmentComponent.objects.prefetch_related("indicators"))
