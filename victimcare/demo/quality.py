"""A year of quality work for the demo, made by the services as supervisors would have made it: each
month, every team's dip sample (drawn, then each case reviewed against the checklist with a note where
something was missed; after a poor result, the officer's next cases targeted) and its quality call-backs
(one recent victim per officer, called: most answer the survey, some are not reached, a few decline; some
ask for praise or a concern to be passed on). A few victims have told us about a problem in the last days,
waiting for the officer or supervisor. Findings are seeded-random: one weak team, improving over the year."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.models import CrimeVictim
from portal import services as portal_services
from surveys import callbacks, dip_samples
from surveys.constants import Check
from surveys.models import CallBack, DipSample
from victimcare.accounts.constants import Role
from victimcare.accounts.models import Team
from victimcare.calendar import LONDON

MONTHS = 12
SAMPLE_SIZE = 6  # the demo's samples (DIP_SAMPLE_SIZE is 20 for a real force)
ANSWERS = {"ease_of_contact": 6, "actions": 5, "kept_informed": 5, "treatment": 6, "whole_experience": 5}
PRAISE = [
    "Please thank the officer: they kept me updated every week.",
    "The officer was kind and patient with my mum.",
    "Really grateful for how quickly someone came out.",
]
CONCERNS = [
    "I had to chase for news twice before anyone called back.",
    "Nobody told me the suspect had been released.",
    "The letter used the wrong name for my son.",
]
PROBLEMS = [
    "I was promised a call last week and nobody rang.",
    "I still have not been told what is happening with my stolen car.",
    "The officer's voicemail is full and I cannot get through.",
    "I asked for letters not to come to my work address and one did.",
]
NOTES_MISSED = {
    Check.UPDATES_ON_TIME: "Two updates went late: set reminders for the 28-day updates.",
    Check.UPDATES_QUALITY: "Updates said 'no change' without saying what was being done.",
    Check.REFERRAL: "No referral to Victim Support and no reason recorded.",
    Check.VPS_OFFERED: "Offer the Victim Personal Statement at the first statement.",
    Check.PLAN_FOLLOWED: "The plan said fortnightly calls; contact was monthly.",
}


def quality_missing() -> bool:
    return not DipSample.objects.exists() and not CallBack.objects.exists()


def _month_start(d: date, back: int) -> date:
    m = d.year * 12 + d.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def _at(d: date, hour: int) -> datetime:
    return datetime.combine(d, time(hour, 0), tzinfo=LONDON)


class QualitySeeder:
    def __init__(self, *, now: datetime, seed: int):
        self.now = now
        self.rng = random.Random(seed + 12)
        self.counts: Counter = Counter()

    def seed(self) -> None:
        teams = [t for t in Team.objects.order_by("pk") if t.supervisors.filter(is_active=True).exists()]
        weak = teams[-1].pk if teams else None
        today = timezone.localdate(self.now)
        for back in range(MONTHS, 0, -1):
            month = _month_start(today, back)
            progress = (MONTHS - back) / MONTHS  # 0 a year ago, nearly 1 last month
            for team in teams:
                supervisor = team.supervisors.filter(is_active=True).order_by("pk").first()
                miss = (0.28 if team.pk == weak else 0.14) * (1 - 0.5 * progress)
                self._dip_sample(team, supervisor, month, miss)
                self._callbacks(team, supervisor, month, miss)
        self._problems()

    def _dip_sample(self, team, supervisor, month: date, miss: float) -> None:
        drawn_at = _at(_month_start(month, -1), 9) + timedelta(days=1)
        if drawn_at > self.now:
            return
        try:
            sample = dip_samples.sample_draw(
                team=team, month=month, by=None, now=drawn_at, size=SAMPLE_SIZE, rng=self.rng
            )
        except ValidationError:
            return
        self.counts["dip samples"] += 1
        poor = []
        for sc in sample.cases.select_related("crime", "officer"):
            answers = {}
            for check in Check:
                closure_not_yet = check == Check.CLOSURE and not sc.crime.is_closed
                if closure_not_yet or (check == Check.VPS_OFFERED and self.rng.random() < 0.4):
                    answers[check.value] = "na"
                else:
                    answers[check.value] = "no" if self.rng.random() < miss else "yes"
            missed = [c for c in NOTES_MISSED if answers.get(c.value) == "no"]
            note = " ".join(NOTES_MISSED[c] for c in missed) or "Good work: every check that applies was met."
            at = drawn_at + timedelta(days=self.rng.randint(2, 12), hours=self.rng.randint(0, 6))
            if at > self.now:
                continue
            done = dip_samples.sample_case_review(
                sample_case=sc, by=supervisor, answers=answers, note=note, now=at
            )
            self.counts["dip-sampled cases reviewed"] += 1
            if dip_samples.poor(done.passed, done.failed) and done.officer is not None:
                poor.append(done.officer)
        if poor and self.rng.random() < 0.3:
            officer = poor[0]
            if (
                officer.role in (Role.OFFICER, Role.SUPERVISOR)
                and dip_samples.open_target(officer.pk) is None
            ):
                try:
                    dip_samples.target_next_cases(
                        officer=officer, by=supervisor, now=drawn_at + timedelta(days=14)
                    )
                    self.counts["officers' next cases targeted"] += 1
                except ValidationError:
                    pass

    def _callbacks(self, team, supervisor, month: date, miss: float) -> None:
        at = _at(month, 10) + timedelta(days=14)
        if at > self.now:
            return
        made = callbacks.callbacks_draw(team=team, by=supervisor, now=at, per_officer=1, rng=self.rng)
        for i, cb in enumerate(made):
            when = at + timedelta(days=i % 5, hours=i % 4)
            roll = self.rng.random()
            outcome = "spoke" if roll < 0.8 else ("no_answer" if roll < 0.95 else "declined")
            raw = {}
            passed_on, kind = "", ""
            if outcome == "spoke":
                shift = -2 if self.rng.random() < miss * 2 else self.rng.choice([-1, 0, 0, 1])
                raw = {k: str(max(1, min(7, v + shift))) for k, v in ANSWERS.items()}
                if self.rng.random() < 0.3:
                    passed_on, kind = (
                        (self.rng.choice(PRAISE), "praise")
                        if shift >= 0
                        else (self.rng.choice(CONCERNS), "concern")
                    )
            callbacks.callback_record(
                callback=cb,
                by=supervisor,
                outcome=outcome,
                raw=raw,
                passed_on=passed_on,
                passed_on_kind=kind,
                now=when,
            )
            self.counts["quality call-backs"] += 1

    def _problems(self) -> None:
        """A few victims told us about a problem in the last days: waiting for a reply and an outcome."""
        recent = list(
            CrimeVictim.objects.filter(
                crime__oic__isnull=False,
                crime__is_restricted=False,
                crime__reported_at__gte=self.now - timedelta(days=60),
                # Recorded before the earliest concern below is raised (a concern cannot precede its case).
                crime__recorded_at__lte=self.now - timedelta(days=len(PROBLEMS) + 1),
            ).order_by("pk")[:200]
        )
        for i, cv in enumerate(self.rng.sample(recent, min(len(PROBLEMS), len(recent)))):
            portal_services.concern_raise(
                crime_victim=cv, text=PROBLEMS[i], now=self.now - timedelta(days=i, hours=2)
            )
            self.counts["concerns from victims"] += 1
