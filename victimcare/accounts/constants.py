from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Officer")
    SUPERVISOR = "supervisor", _("Supervisor")
    INSPECTOR = "inspector", _("Inspector")
    ANALYST = "analyst", _("Analyst")
    PARTNER = "partner", _("Partner agency")
    ADMIN = "admin", _("Administrator")
    VOLUNTEER = "volunteer", _("Call-back volunteer")


# Roles that work cases in the staff UI (partners and analysts never see a case).
CASE_ROLES = {Role.OFFICER, Role.SUPERVISOR, Role.INSPECTOR, Role.ADMIN}
# Roles that can hold a case as officer in case.
OIC_ROLES = {Role.OFFICER, Role.SUPERVISOR}


class AbsenceKind(models.TextChoices):
    LEAVE = "leave", _("Annual leave")
    SICKNESS = "sickness", _("Sickness")
    COURSE = "course", _("Course or training")
    PART_TIME = "part_time", _("Part-time day off")
    OTHER = "other", _("Other")
