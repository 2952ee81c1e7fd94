"""Count every survey answer into the satisfaction cells again (after a bulk load, or to check them)."""

from django.core.management.base import BaseCommand

from surveys import rollup


class Command(BaseCommand):
    help = "Count every survey answer into the satisfaction cells again."

    def handle(self, *args, **options):
        cells = rollup.rebuild()
        self.stdout.write(f"Satisfaction cells: {cells:,}")
