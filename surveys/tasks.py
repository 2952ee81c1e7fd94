"""Beat work for surveys: thin tasks over the services (which claim their work, so a rerun or a second
beat invites and reminds nobody twice)."""

from celery import shared_task

from . import dip_samples, services


@shared_task(acks_late=True)
def send_invitations() -> int:
    return services.invitations_send().invited


@shared_task(acks_late=True)
def send_reminders() -> int:
    return services.reminders_send()


@shared_task(acks_late=True)
def draw_dip_samples() -> int:
    return dip_samples.samples_draw_all()
