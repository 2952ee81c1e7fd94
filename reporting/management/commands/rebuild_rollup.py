import time

from django.core.management.base import BaseCommand

from reporting import rollup


class Command(BaseCommand):
    help = (
        "Count every duty again into the compliance roll-up (PostgreSQL): after a bulk load made with "
        "triggers off, or to repair. Figures stay exact while it runs (it locks out writes to duties)."
    )

    def handle(self, *args, **options):
        if not rollup.uses_rollup():
            self.stdout.write("This database counts compliance directly from the duties: nothing to rebuild.")
            return
        started = time.perf_counter()
        cells = rollup.rebuild()
        self.stdout.write(
            f"Rebuilt the compliance roll-up: {cells:,} cells in {time.perf_counter() - started:.1f} s."
        )
