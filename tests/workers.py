"""Starting and stopping a real Celery worker for the tests that need one (on the real Redis broker)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def start_worker(
    *,
    env: dict[str, str],
    queues: str,
    hostname: str,
    pool: str = "solo",
    loglevel: str = "WARNING",
    concurrency: int | None = None,
    heartbeat: bool = True,
    stdout=subprocess.PIPE,
    text: bool = False,
) -> subprocess.Popen:
    """A `celery -A victimcare worker` of its own, listening on `queues` only (so parallel runs and other
    workers never take its tasks). No gossip or mingle: it talks to no other worker."""
    args = [sys.executable, "-m", "celery", "-A", "victimcare", "worker", f"--pool={pool}"]
    if concurrency is not None:
        args += ["-c", str(concurrency)]
    args += [f"--loglevel={loglevel}", "--without-gossip", "--without-mingle"]
    if not heartbeat:
        args.append("--without-heartbeat")
    args += [f"--hostname={hostname}", f"--queues={queues}"]
    return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        args, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT, text=text
    )


def stop_worker(worker: subprocess.Popen, *, timeout: float = 20) -> None:
    """Ask it to stop (warm shutdown), then kill it if it has not stopped within `timeout` seconds."""
    worker.terminate()
    try:
        worker.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        worker.kill()
