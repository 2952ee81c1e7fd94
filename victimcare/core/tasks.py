from celery import shared_task
from django.core.management import call_command
from django.utils import timezone

from .models import Heartbeat


@shared_task
def heartbeat(name: str = "beat") -> str:
    """Scheduled by beat, run by a worker: the health page shows when it last ran."""
    Heartbeat.objects.update_or_create(name=name, defaults={"last_seen": timezone.now()})
    return name


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
