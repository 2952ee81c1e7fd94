"""Anyone can check the deadline arithmetic:

    python manage.py vcop_deadline ARREST 2026-11-02T10:00 --enhanced
    2026-11-03T23:59:59.999999+00:00

TRIGGER_ISO without an offset means Europe/London. By default the edition in force at the trigger time is
used; --rule-set picks one (an edition or an overlay)."""

from django.core.management.base import BaseCommand, CommandError

from contacts import engine
from contacts.models import RuleSet
from contacts.services import load_rulebook, working_calendar
from victimcare.calendar import format_london, local_date, parse_trigger


class Command(BaseCommand):
    help = "Print the due time (ISO 8601, Europe/London offset) of RULE for a trigger at TRIGGER_ISO."

    def add_arguments(self, parser):
        parser.add_argument("rule", help="Rule code, e.g. ARREST")
        parser.add_argument("trigger", help="Trigger time, ISO 8601; no offset means Europe/London")
        parser.add_argument("--enhanced", action="store_true", help="Use the enhanced limit")
        parser.add_argument("--rule-set", dest="rule_set", help="Rule set code, e.g. vcop-2006")

    def handle(self, *args, rule: str, trigger: str, enhanced: bool, rule_set: str | None, **options):
        try:
            at = parse_trigger(trigger)
        except ValueError as e:
            raise CommandError(str(e)) from None
        code = rule.strip().upper()
        if rule_set:
            rs = RuleSet.objects.filter(code=rule_set).first()
            if rs is None:
                known = ", ".join(RuleSet.objects.order_by("code").values_list("code", flat=True))
                raise CommandError(f"Unknown rule set '{rule_set}'. Known: {known}.")
            rules = list(rs.rules.all())
        else:
            edition = load_rulebook().edition_at(local_date(at))
            if edition is None:
                raise CommandError(f"No edition of the Code was in force on {local_date(at)}.")
            rs, rules = edition
        found = next((r for r in rules if r.code == code), None)
        if found is None:
            known = ", ".join(sorted({r.code for r in rules}))
            raise CommandError(f"Unknown rule '{rule}' in {rs.code}. Known rules: {known}.")
        due = engine.due_at(at, found, enhanced=enhanced, cal=working_calendar())
        self.stdout.write(format_london(due))
