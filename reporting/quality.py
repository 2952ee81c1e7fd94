"""Quality-check figures: supervisors' dip-sample findings (each checklist item met or not, on the cases
reviewed in the period, by month and by team or officer) and quality call-backs made. They feed the
dashboards' Quality checks page and the MoJ area "updates of sufficient quality"."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from surveys.constants import CallBackState, Check, CheckAnswer, SampleCaseState
from surveys.models import CallBack, DipSampleCase
from victimcare.calendar import month_bounds

from .rollup import Slice
from .satisfaction import db_month, in_slice


def reviewed(s: Slice, *, hidden: tuple[int, ...] = ()) -> QuerySet:
    """Dip-sampled cases reviewed in the period, within the reader's area."""
    start, end = month_bounds(s.first, s.last)
    qs = DipSampleCase.objects.filter(
        state=SampleCaseState.REVIEWED, reviewed_at__gte=start, reviewed_at__lt=end
    )
    return in_slice(
        qs,
        s,
        bcu="crime__bcu_id",
        team="sample__team_id",
        owner="officer_id",
        group="crime__offence__group",
        hidden=hidden,
    )


def checks(qs: QuerySet, key: str | None = None) -> dict:
    """{(key value, check): [met, not met]} over the reviewed cases ("does not apply" counts as neither).
    The answers are read once (a few hundred rows a month for a force) and counted here."""
    out: dict = defaultdict(lambda: [0, 0])
    fields = ["answers"] + ([key] if key and key != "month" else [])
    if key == "month":
        qs = qs.annotate(month=TruncMonth("reviewed_at", tzinfo=timezone.get_current_timezone()))
        fields.append("month")
    for row in qs.values(*fields).order_by():
        answers = row["answers"] if isinstance(row["answers"], dict) else {}
        k = db_month(row["month"]) if key == "month" else (row[key] if key else None)
        for check in Check.values:
            value = answers.get(check)
            if value == CheckAnswer.YES:
                out[(k, check)][0] += 1
            elif value == CheckAnswer.NO:
                out[(k, check)][1] += 1
    return out


def callbacks_by_month(s: Slice) -> dict[date, dict[str, int]]:
    """Quality call-backs drawn and how they went, by the month they were drawn for."""
    qs = CallBack.objects.filter(month__gte=s.first, month__lte=s.last)
    if s.bcu_ids is not None:
        qs = qs.filter(team__bcu_id__in=s.bcu_ids)
    if s.team_ids is not None:
        qs = qs.filter(team_id__in=s.team_ids)
    if s.owner_ids is not None:
        qs = qs.filter(officer_id__in=s.owner_ids)
    out: dict = defaultdict(lambda: dict.fromkeys(CallBackState.values, 0))
    for month, state, n in qs.values_list("month", "state").annotate(n=Count("pk")).order_by():
        out[month][state] = n
    return out
