"""Seed the demo data set: the steps in order, idempotent (see the package docstring)."""

from collections import Counter
from datetime import datetime

from django.db import transaction

from cases.models import Crime
from contacts import engine
from contacts.constants import ObligationState
from contacts.models import Obligation
from contacts.services import working_calendar
from referrals.models import Referral
from victimcare.accounts.models import User

from .assessments import seed_assessments
from .crimes import DemoSeeder
from .data import DEMO_CRIMES, DEMO_DOMAIN, SEED
from .portal_victims import portal_demo_missing, seed_portal_demo
from .quality import QualitySeeder, quality_missing
from .referrals import ReferralSeeder, seed_referral_setup
from .replay import EngineSeeder
from .surveys import SurveySeeder, responses_exist


def demo_crimes():
    return Crime.objects.filter(created_by__email__endswith=f"@{DEMO_DOMAIN}")


def engine_data_missing() -> bool:
    """Demo crimes exist but none has an obligation (seeded before the deadline engine existed)."""
    crimes = demo_crimes()
    return crimes.exists() and not Obligation.objects.filter(crime__in=crimes).exists()


def referrals_missing() -> bool:
    """Demo crimes have duties but no referrals (seeded before referrals existed)."""
    crimes = demo_crimes()
    return (
        Obligation.objects.filter(crime__in=crimes).exists()
        and not Referral.objects.filter(crime__in=crimes).exists()
    )


def surveys_missing() -> bool:
    """Demo crimes have duties but no survey answers (seeded before surveys existed)."""
    crimes = demo_crimes()
    return Obligation.objects.filter(crime__in=crimes).exists() and not responses_exist(crimes)


def nothing_to_do(*, portal_demo: bool = True) -> bool:
    """For --if-empty: crimes exist and nothing the demo adds to an older database is missing."""
    return (
        Crime.objects.exists()
        and not engine_data_missing()
        and not referrals_missing()
        and not surveys_missing()
        and not quality_missing()
        and not (portal_demo and portal_demo_missing())
    )


def seed_demo(
    *, crimes: int = DEMO_CRIMES, if_empty: bool = False, seed: int = SEED, portal_demo: bool = True
) -> tuple[DemoSeeder, Counter]:
    """Create what is missing, in one transaction. Returns the seeder (its organisation and clock) and
    how many of each thing were created."""
    seeder = DemoSeeder(seed)
    with transaction.atomic():
        org = seeder.seed_org()
        seeder.seed_support_organisations()
        if not demo_crimes().exists() and not (if_empty and Crime.objects.exists()):
            seeder.seed_crimes(org, crimes)
        if engine_data_missing():
            engine_seeder = EngineSeeder(now=seeder.now, seed=seed, org=org)
            engine_seeder.seed(demo_crimes())
            seeder.counts.update(engine_seeder.counts)
        seed_referral_setup(seeder.counts)
        if referrals_missing():
            referral_seeder = ReferralSeeder(now=seeder.now, seed=seed)
            referral_seeder.seed(demo_crimes())
            seeder.counts.update(referral_seeder.counts)
        if portal_demo:
            seeder.counts["demo portal victims"] = seed_portal_demo(org.demo_officer, seeder.now)
        # After the portal victims: one of them is given a live survey link.
        if surveys_missing():
            survey_seeder = SurveySeeder(now=seeder.now, seed=seed)
            survey_seeder.seed(demo_crimes())
            seeder.counts.update(survey_seeder.counts)
        seeder.counts["self-assessments"] = seed_assessments(seeder.now)
        if quality_missing() and demo_crimes().exists():
            quality_seeder = QualitySeeder(now=seeder.now, seed=seed)
            quality_seeder.seed()
            seeder.counts.update(quality_seeder.counts)
    seeder.org = org
    return seeder, seeder.counts


def worklist_summary(user: User, now: datetime) -> str:
    """ "3 red, 5 amber, 40 green": the officer's open duties by colour."""
    cal = working_calendar()
    colours = Counter(
        engine.rag(due, now, cal)
        for due in Obligation.objects.filter(owner=user, state=ObligationState.OPEN).values_list(
            "due_at", flat=True
        )
    )
    return ", ".join(f"{colours[c]} {c}" for c in ("red", "amber", "green"))
