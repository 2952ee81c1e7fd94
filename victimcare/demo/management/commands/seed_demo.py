"""Load the demo data set (victimcare/demo/ holds what it is and how it is made).

python manage.py seed_demo                # the full demo data set
python manage.py seed_demo --crimes 60    # a small one (tests)
python manage.py seed_demo --if-empty     # do nothing if any crime exists (`make run`)
"""

import time
from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from cases.constants import CrimeStatus
from cases.models import Crime
from victimcare.demo.data import DEMO_CRIMES, DEMO_LOGINS, DEMO_OFFICER, DEMO_PASSWORD, SEED
from victimcare.demo.portal_victims import DEMO_VICTIM_PASSWORD, DEMO_VICTIMS
from victimcare.demo.seed import demo_crimes, nothing_to_do, seed_demo, worklist_summary


class Command(BaseCommand):
    help = (
        "Create synthetic demo data (organisation, staff, support organisations, crimes with their "
        "Victims' Code duties, contact plans and contact log, absences). Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--crimes",
            type=int,
            default=DEMO_CRIMES,
            help=f"How many crimes to create, over the last year (default {DEMO_CRIMES}).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any crime already exists (except adding the deadline-engine data to demo "
            "crimes seeded before it existed).",
        )
        parser.add_argument("--seed", type=int, default=SEED, help=f"Random seed (default {SEED}).")
        parser.add_argument(
            "--no-portal-demo",
            dest="portal_demo",
            action="store_false",
            help="Leave out the two fixed demo victims with portal accounts (listed in the README).",
        )

    def handle(self, *args, crimes: int, if_empty: bool, seed: int, portal_demo: bool = True, **options):
        if crimes < 0:
            raise CommandError("--crimes must be 0 or more.")
        if if_empty and nothing_to_do(portal_demo=portal_demo):
            self.stdout.write("Crimes already exist: seed_demo --if-empty did nothing.")
            return
        started = time.monotonic()
        seeder, counts = seed_demo(crimes=crimes, if_empty=if_empty, seed=seed, portal_demo=portal_demo)
        created = {k: v for k, v in counts.items() if v}
        if not created:
            self.stdout.write("Demo data already present: nothing new created.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Demo data created in {time.monotonic() - started:.1f}s:"))
            for k, v in created.items():
                self.stdout.write(f"  {k}: {v}")
            if counts["crimes"]:
                by_status = Counter(demo_crimes().values_list("status", flat=True))
                self.stdout.write(
                    "  by status: " + ", ".join(f"{s} {by_status[s]}" for s in CrimeStatus.values)
                )
                mine = Crime.objects.filter(oic=seeder.org.demo_officer).count()
                self.stdout.write(f"  cases of {DEMO_OFFICER}: {mine}")
            if counts["obligations"]:
                summary = worklist_summary(seeder.org.demo_officer, seeder.now)
                self.stdout.write(f"  open duties of {DEMO_OFFICER}: {summary}")
        self.stdout.write(f"Demo logins (password '{DEMO_PASSWORD}'): " + ", ".join(DEMO_LOGINS))
        self.stdout.write(
            f"Demo victims at /portal/ (password '{DEMO_VICTIM_PASSWORD}'): "
            + ", ".join(f"{d.reference} born {d.date_of_birth:%Y-%m-%d}" for d in DEMO_VICTIMS)
        )
