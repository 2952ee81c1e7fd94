"""Faults found by the fault runs (bench/faults.py), each pinned by a test that failed before its fix."""

import os
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import OperationalError as DatabaseGone
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from messaging import channels, outbox, tasks
from messaging.models import Message
from tests.workers import start_worker, stop_worker

from .support import person, record, victims

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_broker_outage_never_fails_the_change_that_queued_a_message(clock, officer, monkeypatch, caplog):
    """The outbox row commits with its cause; the delivery task is only a head start. With the broker down
    the caller (a web request recording a crime, an officer's reply) used to get the broker's error after
    its change had committed; now the task is given up quietly and the sweep delivers the message."""
    crime = record(officer, people=[person(email="v@example.com")])
    cv = victims(crime)[0]

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver_message, "delay", broker_down)
    with transaction.atomic():
        msg = outbox.message_queue(
            crime_victim=cv,
            channel="email",
            kind="alert",
            to_address="v@example.com",
            subject="You have an update",
            body="Sign in to read it.",
        )
    assert Message.objects.get(pk=msg.pk).status == "queued"
    assert msg.pk in outbox.outbox_sweep()
    [line] = [r for r in caplog.records if r.name == "messaging.outbox"]
    assert "waits for the outbox sweep" in line.getMessage() and line.exc_info is None


@pytest.mark.django_db
def test_a_database_restart_after_the_provider_took_a_message_does_not_send_it_twice(
    clock, officer, settings, monkeypatch
):
    """The email had gone when the database restarted, so its row stayed `sending` and the sweep sent it
    again (the pg_restart_outbox fault run counted one such email). The outcome is now written again on a
    fresh connection, and the sweep finds nothing to resend."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    crime = record(officer, people=[person(email="v@example.com")])
    cv = victims(crime)[0]
    msg = outbox.message_queue(
        crime_victim=cv,
        channel="email",
        kind="alert",
        to_address="v@example.com",
        subject="You have an update",
        body="Sign in to read it.",
    )
    record_outcome, tries = outbox._succeeded, []

    def database_restarting(*args):
        tries.append(1)
        if len(tries) == 1:
            raise DatabaseGone("server closed the connection unexpectedly")
        return record_outcome(*args)

    monkeypatch.setattr(outbox, "_succeeded", database_restarting)
    monkeypatch.setattr(outbox, "RECORD_RETRY_DELAYS", (0,))
    assert outbox.message_deliver(message_id=msg.pk) is True
    msg.refresh_from_db()
    assert msg.status == "sent" and len(tries) == 2
    later = timezone.now() + outbox.sending_timeout() * 2
    for pk in outbox.outbox_sweep(now=later):
        outbox.message_deliver(message_id=pk, now=later)
    assert [m.to for m in mail.outbox].count(["v@example.com"]) == 1


def test_a_letter_sent_again_after_its_worker_died_is_printed_once(settings, tmp_path):
    """A worker killed after writing a letter to the print queue but before recording it left the row
    `sending`; the sweep then wrote a second PDF of the same letter. The queue now knows its letters by
    message id; another message's letter still goes."""
    settings.VC_LETTER_FILE_PATH = str(tmp_path)
    backend = channels.FileLetterBackend()
    letter = channels.Outgoing("letter", "", "An update", "Body", "42", pdf=b"%PDF-1.4 letter 42")
    assert backend.send(letter) == channels.Delivery(status="sent")
    assert backend.send(letter) == channels.Delivery(status="sent")
    backend.send(channels.Outgoing("letter", "", "An update", "Body", "142", pdf=b"%PDF-1.4 letter 142"))
    assert sorted(p.name.rsplit("-", 1)[1] for p in tmp_path.iterdir()) == ["142.pdf", "42.pdf"]


def test_a_full_print_queue_leaves_no_half_letter_behind(settings, tmp_path, monkeypatch):
    """With the letters' disk full, each attempt left its half-written .part file in the queue (39 in the
    letters_full fault run), filling it further; the letter waits for its retry and nothing is left."""
    settings.VC_LETTER_FILE_PATH = str(tmp_path)
    write_bytes = Path.write_bytes

    def disk_full(self, data):
        write_bytes(self, data[:10])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", disk_full)
    letter = channels.Outgoing("letter", "", "An update", "Body", "7", pdf=b"%PDF-1.4 letter 7")
    with pytest.raises(channels.TemporaryFailure, match="No space left"):
        channels.FileLetterBackend().send(letter)
    assert list(tmp_path.iterdir()) == []


class BrokerLink:
    """A TCP relay between a worker and Redis that can be cut (connections dropped, new ones refused) and
    restored on the same port: a broker outage without touching the shared Redis server."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = 0
        self.conns: list[socket.socket] = []
        self.lock = threading.Lock()
        self.down = False
        self.restore()

    def restore(self) -> None:
        self.down = False
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", self.port))
        self.port = self.server.getsockname()[1]
        self.server.listen(64)
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def cut(self) -> None:
        # As when Redis shuts down: nothing more is answered on any connection, then all of them close.
        self.down = True
        time.sleep(0.2)
        with _quiet():
            self.server.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread; close() alone does not
        self.server.close()
        with self.lock:
            # Newest first: the worker's control (pub/sub) connection goes before its task connection, the
            # order in which a worker saw Redis go in the fault run.
            for c in reversed(self.conns):
                with _quiet():
                    c.shutdown(socket.SHUT_RDWR)
                c.close()
            self.conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.upstream)
            with self.lock:
                self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        with _quiet():
            while data := a.recv(65536):
                if not self.down:
                    b.sendall(data)
        with _quiet():
            b.shutdown(socket.SHUT_RDWR)


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        return kind is not None and issubclass(kind, OSError)


@pytest.mark.redis
def test_the_worker_survives_a_broker_outage_and_reconnects(redis_url, tmp_path):
    """Celery 5.7.0 closes a broker connection it has already collected; with Redis that raised
    AttributeError, 'Unrecoverable error', and the worker exited for good when the broker went away
    (victimcare.celery.Consumer). The worker must stay up and answer again once the broker is back."""
    from celery import Celery

    parts = urlsplit(redis_url)
    link = BrokerLink((parts.hostname or "127.0.0.1", parts.port or 6379))
    broker = f"redis://127.0.0.1:{link.port}{parts.path or '/0'}"
    queue = f"pytest-outage-{os.getpid()}"
    hostname = f"{queue}@localhost"
    log = open(tmp_path / "worker.log", "w+")  # noqa: SIM115 - the worker writes to it
    worker = start_worker(
        env={**os.environ, "CELERY_BROKER_URL": broker, "CELERY_RESULT_BACKEND": ""},
        queues=queue,
        hostname=hostname,
        pool="prefork",
        concurrency=1,
        loglevel="INFO",
        stdout=log,
    )
    app = Celery(broker=broker)

    def answers(within: float) -> bool:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                if app.control.ping(destination=[hostname], timeout=1):
                    return True
            except Exception:  # noqa: BLE001 - our own link to the broker may still be reconnecting
                time.sleep(0.5)
        return False

    try:
        assert answers(60), "the worker did not start"
        # A task the worker holds unacknowledged when the broker goes (one waiting for its countdown, as
        # an acks_late task would while running): what the crash needed. It expires unrun.
        app.send_task(
            "victimcare.core.tasks.heartbeat", args=["pytest-outage"], queue=queue, countdown=30, expires=40
        )
        time.sleep(2)
        link.cut()
        time.sleep(3)
        assert worker.poll() is None, "the worker exited when the broker went away"
        link.restore()
        assert answers(60), "the worker did not come back with the broker"
        assert worker.poll() is None
    finally:
        app.close()
        stop_worker(worker)
        log.seek(0)
        output = log.read()
        log.close()
        link.cut()
        import redis

        redis.Redis.from_url(redis_url).delete(queue)
    assert "Unrecoverable error" not in output, output[-3000:]
