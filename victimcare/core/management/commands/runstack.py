"""Start the web server, a Celery worker and Celery beat together; Ctrl-C stops all three.

Used by `make run`. With no service URLs set this runs on SQLite and kombu's filesystem broker, so a
fresh machine needs nothing installed beyond Python.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run web server, Celery worker and Celery beat together (development)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default=os.environ.get("RUN_ADDR", "127.0.0.1:8000"))

    def handle(self, *args, addr: str, **options):
        py = sys.executable
        celery = [py, "-m", "celery", "-A", "victimcare"]
        procs = {
            "web": [py, "manage.py", "runserver", addr, "--noreload"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2", "--hostname=worker@%h"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ],
        }
        self.stdout.write(
            self.style.SUCCESS(
                f"Starting web (http://{addr}/), worker and beat. "
                f"Broker: {settings.CELERY_BROKER_URL.split('@')[-1]}. "
                f"Staff: http://{addr}/  Victim portal: http://{addr}/portal/. "
                f"Emails are written to {settings.EMAIL_FILE_PATH}, texts to {settings.VC_SMS_FILE_PATH}, "
                f"letters (PDF) to {settings.VC_LETTER_FILE_PATH}. Press Ctrl-C to stop."
            )
        )
        running = {name: subprocess.Popen(cmd, start_new_session=True) for name, cmd in procs.items()}  # noqa: S603

        def stop(*_):
            for p in running.values():
                if p.poll() is None:
                    p.terminate()  # Celery's warm shutdown finishes the task in hand
            deadline = time.monotonic() + 10
            for p in running.values():
                try:
                    p.wait(timeout=max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    os.killpg(p.pid, signal.SIGKILL)  # the whole group, pool children included

        def stop_and_exit(signum, _frame):
            self.stdout.write("Stopping…")
            stop()
            sys.exit(0)

        # Installed explicitly: a shell that starts us in the background may have left SIGINT ignored.
        signal.signal(signal.SIGINT, stop_and_exit)
        signal.signal(signal.SIGTERM, stop_and_exit)
        while True:
            for name, p in running.items():
                if p.poll() is not None:
                    self.stderr.write(f"{name} exited with code {p.returncode}; stopping the rest.")
                    stop()
                    sys.exit(p.returncode or 1)
            time.sleep(0.5)
