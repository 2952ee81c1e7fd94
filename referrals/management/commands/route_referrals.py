"""Route the victims of crimes recorded since a date who have no referral yet: after the routing rules
first go live, or after crimes were loaded from another system. New crimes are routed as they are
recorded (referrals.handlers); this catches up the ones before."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases.constants import CrimeStatus
from cases.models import Crime, CrimeVictim
from contacts.services import victims_in_context, with_rule_context
from referrals import selectors, services

CHUNK = 500


class Command(BaseCommand):
    help = "Route open crimes recorded since a date whose victims have no referral yet."

    def add_arguments(self, parser):
        parser.add_argument("--recorded-since", required=True, help="A date, YYYY-MM-DD (UK time).")

    def handle(self, *args, recorded_since: str, **options):
        try:
            day = datetime.strptime(recorded_since, "%Y-%m-%d").date()
        except ValueError as e:
            raise CommandError("Give the date as YYYY-MM-DD, for example 2026-11-01.") from e
        since = timezone.make_aware(datetime.combine(day, time.min))
        if since > timezone.now():
            raise CommandError("The date is in the future.")
        rules = selectors.routing_rules()
        if not rules:
            raise CommandError("There are no active routing rules: add them in the admin first.")
        crimes = (
            Crime.objects.filter(recorded_at__gte=since)
            .exclude(status=CrimeStatus.CLOSED)
            .filter(victims__referrals__isnull=True)
            .distinct()
            .select_related("offence")
            .order_by("id")
        )
        now, made = timezone.now(), 0
        ids = list(crimes.values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                batch = list(
                    Crime.objects.filter(pk__in=ids[start : start + CHUNK]).select_related("offence")
                )
                victims = {}
                for cv in with_rule_context(
                    CrimeVictim.objects.filter(crime__in=batch, referrals__isnull=True)
                ):
                    victims.setdefault(cv.crime_id, []).append(cv)
                items = [(c, victims_in_context(c, victims.get(c.pk, [])), now) for c in batch]
                made += len(services.referrals_route_many(items=items, rules=rules))
        n = len(ids)
        self.stdout.write(
            f"{n} crime{'s' if n != 1 else ''} routed, {made} referral{'s' if made != 1 else ''} made."
        )
