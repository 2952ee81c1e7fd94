"""reporting's reactions to the hooks of the apps below it (registered in ReportingConfig.ready)."""

from django.urls import reverse
from django.utils import timezone

from contacts.hooks import WorkPanel
from victimcare.accounts.constants import Role

from . import figures
from .filters import Filters, add_months, month_of
from .scope import hidden_cases, scope_for


def work_page_headline(user) -> WorkPanel | None:
    """Supervisors and inspectors: how their area is doing, on their home page."""
    if user.role not in (Role.SUPERVISOR, Role.INSPECTOR):
        return None
    scope = scope_for(user)
    if scope is None:
        return None
    now = timezone.now()
    last = month_of(timezone.localdate(now))
    s = Filters(first=add_months(last, -2), last=last).slice(scope)
    hidden = hidden_cases(user)
    series = figures.by_month(s, now=now, hidden=hidden)
    overdue = figures.now_figures(s, now=now, hidden=hidden)[0].overdue
    text = f"{scope.label[:1].upper()}{scope.label[1:]}: " + figures.headline(series, now=now)
    if overdue:
        text += f" {overdue:,} {'duty is' if overdue == 1 else 'duties are'} overdue now."
    return WorkPanel(text=text, link_text="See the compliance dashboard", href=reverse("reporting:dashboard"))
