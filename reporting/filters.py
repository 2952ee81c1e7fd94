"""The dashboards' filters, read from the URL so that a view can be bookmarked and shared: the period
(a quarter, or a range of months), BCU, team, officer, offence group, duty, and standard or enhanced
victims. Anything outside the reader's scope, or not a real value, is refused with a message in words and
the filter left off; nothing else changes."""

import re
from dataclasses import dataclass, replace
from datetime import date

from django import forms
from django.utils import timezone

from cases.constants import OffenceGroup
from contacts.constants import Duty
from victimcare.accounts.constants import OIC_ROLES
from victimcare.accounts.models import User

from .rollup import Slice
from .scope import Scope

MONTH = re.compile(r"^((?:19|20)\d{2})-(\d{2})$")
QUARTER = re.compile(r"^((?:19|20)\d{2})-Q([1-4])$")
EARLIEST = date(2015, 1, 1)  # the Code's first edition with these duties; no figures before


def month_of(d: date) -> date:
    return date(d.year, d.month, 1)


def add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def quarter_of(d: date) -> tuple[date, date]:
    first = date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)
    return first, add_months(first, 2)


def quarter_label(first: date) -> str:
    return f"{first.year}-Q{(first.month - 1) // 3 + 1}"


def parse_quarter(value: str) -> tuple[date, date] | None:
    m = QUARTER.match(value or "")
    if not m:
        return None
    first = date(int(m[1]), 3 * (int(m[2]) - 1) + 1, 1)
    return first, add_months(first, 2)


def parse_month(value: str) -> date | None:
    m = MONTH.match(value or "")
    if not m or not 1 <= int(m[2]) <= 12:
        return None
    return date(int(m[1]), int(m[2]), 1)


MAX_TEAMS_LISTED = 5  # a supervisor's few teams: list their officers without choosing a team first
VICTIMS = [("", "All victims"), ("standard", "Standard entitlements"), ("enhanced", "Enhanced entitlements")]


class FilterForm(forms.Form):
    quarter = forms.CharField(required=False, label="Quarter", help_text="For example, 2026-Q3")
    start = forms.CharField(required=False, label="First month", help_text="For example, 2026-01")
    end = forms.CharField(required=False, label="Last month", help_text="For example, 2026-12")
    bcu = forms.TypedChoiceField(required=False, label="BCU", coerce=int, empty_value=None)
    team = forms.TypedChoiceField(required=False, label="Team", coerce=int, empty_value=None)
    officer = forms.TypedChoiceField(required=False, label="Officer", coerce=int, empty_value=None)
    group = forms.ChoiceField(
        required=False, label="Offence group", choices=[("", "All offences"), *OffenceGroup.choices]
    )
    duty = forms.ChoiceField(required=False, label="Duty", choices=[("", "All duties"), *Duty.choices])
    victims = forms.ChoiceField(required=False, label="Victims", choices=VICTIMS)

    def __init__(self, data, *, scope: Scope, today: date | None = None):
        super().__init__(data)
        self.scope = scope
        self.today = today or timezone.localdate()
        teams = list(scope.teams())
        bcus = list(scope.bcus())
        self.fields["bcu"].choices = [("", "All BCUs")] + [(b.pk, b.name) for b in bcus]
        self.fields["team"].choices = [("", "All teams")] + [
            (t.pk, f"{t.name} ({t.bcu.name})") for t in teams
        ]
        # The officers listed: those of the team chosen, or of the reader's own teams when they have a few;
        # a force or a BCU has too many to list, so its readers choose a team first. Any officer in the
        # reader's area is accepted (a link from a team's breakdown names one).
        self.team_bcu = {t.pk: t.bcu_id for t in teams}
        chosen = self._chosen_team(data)
        listed = [chosen] if chosen else [t.pk for t in teams] if len(teams) <= MAX_TEAMS_LISTED else []
        officers = list(self._officers(listed)) if listed or scope.owner_ids is not None else []
        first = "All officers" if officers or scope.owner_ids is not None else "Choose a team first"
        self.fields["officer"].choices = [("", first)] + [(u.pk, u.display_name) for u in officers]
        self.fields["officer"].valid_value = self._officer_allowed
        for name, what in (("bcu", "a BCU"), ("team", "a team"), ("officer", "an officer")):
            self.fields[name].error_messages["invalid_choice"] = (
                f"Choose {what} from the list: you can only see figures for your own area."
            )
        self.fields["group"].error_messages["invalid_choice"] = "Choose an offence group from the list."
        self.fields["duty"].error_messages["invalid_choice"] = "Choose a duty from the list."
        self.fields["victims"].error_messages["invalid_choice"] = "Choose all, standard or enhanced victims."

    def _chosen_team(self, data) -> int | None:
        value = (data or {}).get("team", "")
        return int(value) if str(value).isdigit() and int(value) in self.team_bcu else None

    def _officers(self, team_ids):
        if self.scope.owner_ids is not None:
            return User.objects.filter(pk__in=self.scope.owner_ids)
        return User.objects.filter(role__in=OIC_ROLES, team__in=team_ids).order_by("last_name", "first_name")

    def _officer_allowed(self, value) -> bool:
        """Any officer in the reader's area (their own duties, for an officer)."""
        if not str(value).isdigit() or len(str(value)) > 12:
            return False
        pk = int(value)
        if self.scope.owner_ids is not None:
            return pk in self.scope.owner_ids
        qs = User.objects.filter(pk=pk, role__in=OIC_ROLES)
        if not self.scope.everything:
            qs = qs.filter(team__in=list(self.team_bcu))
        return qs.exists()

    def clean_quarter(self):
        value = self.cleaned_data["quarter"].strip()
        if not value:
            return value
        q = parse_quarter(value)
        if q is None:
            raise forms.ValidationError("Enter a quarter like 2026-Q3.")
        if not EARLIEST <= q[0] <= month_of(self.today):
            raise forms.ValidationError(
                f"Choose a quarter from 2015-Q1 to {quarter_label(month_of(self.today))}."
            )
        return value

    def clean_start(self):
        return self._month("start")

    def clean_end(self):
        return self._month("end")

    def _month(self, name):
        value = self.cleaned_data[name].strip()
        if not value:
            return None
        d = parse_month(value)
        if d is None:
            raise forms.ValidationError("Enter a month like 2026-01.")
        if not EARLIEST <= d <= month_of(self.today):
            raise forms.ValidationError(f"Enter a month from {EARLIEST:%B %Y} to {self.today:%B %Y}.")
        return d

    def clean(self):
        cd = super().clean()
        start, end = cd.get("start"), cd.get("end")
        if start and end and start > end:
            self.add_error("end", "The last month must be the same as the first month or after it.")
        team, bcu = cd.get("team"), cd.get("bcu")
        if team and bcu and self.team_bcu.get(team) != bcu:
            self.add_error("team", "Choose a team in the BCU you chose, or all teams.")
        return cd


@dataclass(frozen=True)
class Filters:
    first: date
    last: date
    bcu: int | None = None
    team: int | None = None
    officer: int | None = None
    group: str = ""
    duty: str = ""
    victims: str = ""

    def slice(self, scope: Scope) -> Slice:
        """The duties these filters select within the reader's scope."""
        enhanced = {"standard": False, "enhanced": True}.get(self.victims)
        return Slice(
            first=self.first,
            last=self.last,
            bcu_ids=(self.bcu,) if self.bcu else scope.bcu_ids,
            team_ids=(self.team,) if self.team else scope.team_ids,
            owner_ids=(self.officer,) if self.officer else scope.owner_ids,
            offence_groups=(self.group,) if self.group else None,
            codes=(self.duty,) if self.duty else None,
            enhanced=enhanced,
        )

    def query(self, **changes) -> str:
        """This view's URL query, with changes (None removes a filter)."""
        from urllib.parse import urlencode

        f = replace(self, **{k: v for k, v in changes.items() if k in self.__dataclass_fields__})
        params = {"start": f"{f.first:%Y-%m}", "end": f"{f.last:%Y-%m}"}
        for name in ("bcu", "team", "officer", "group", "duty", "victims"):
            value = getattr(f, name)
            if value:
                params[name] = value
        params.update({k: v for k, v in changes.items() if k not in self.__dataclass_fields__ and v})
        return urlencode(params)

    @property
    def period_label(self) -> str:
        if self.first == self.last:
            return f"{self.first:%B %Y}"
        q = quarter_of(self.first)
        if q == (self.first, self.last):
            return f"{self.first:%B} to {self.last:%B %Y} ({quarter_label(self.first)})"
        return f"{self.first:%B %Y} to {self.last:%B %Y}"


def filters_from(form: FilterForm) -> Filters:
    """The valid filters of a bound form (invalid ones left off); by default the last 12 months."""
    form.is_valid()
    cd = dict(getattr(form, "cleaned_data", {}))  # the valid fields, even when another is not
    today = form.today
    last = month_of(today)
    first = add_months(last, -11)
    if cd.get("quarter"):
        first, last = parse_quarter(cd["quarter"])
        last = min(last, month_of(today))
    elif cd.get("start") or cd.get("end"):
        first = cd.get("start") or add_months(cd.get("end"), -11)
        last = cd.get("end") or month_of(today)
        if first > last:
            first, last = last, first
    return Filters(
        first=first,
        last=last,
        bcu=cd.get("bcu"),
        team=cd.get("team"),
        officer=cd.get("officer"),
        group=cd.get("group") or "",
        duty=cd.get("duty") or "",
        victims=cd.get("victims") or "",
    )
