"""No Docker engine runs in CI, so check the compose file's shape here (docker compose config's job)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_defines_the_deployment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://") and env["REDIS_URL"].startswith("redis://")
        assert env["DEBUG"] == "0"
    assert services["web"]["command"][0] == "gunicorn"
    assert services["worker"]["command"][:4] == ["celery", "-A", "victimcare", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "victimcare", "beat"]
    assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert (ROOT / "Dockerfile").exists()


def test_the_web_health_check_works_over_plain_http_behind_the_ssl_redirect(client, settings, db):
    """The web container's health check fetches /healthz over plain HTTP from inside the container, while
    SECURE_SSL_REDIRECT sends every other plain request to HTTPS."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    check = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in check
    settings.SECURE_SSL_REDIRECT = True
    from django.test import Client

    plain = Client()
    assert plain.get("/healthz").status_code == 200
    assert plain.get("/accounts/login/").status_code == 301


def test_letters_survive_a_worker_restart():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    worker_volumes = compose["services"]["worker"]["volumes"]
    assert "letters:/app/var/letters" in worker_volumes and "letters" in compose["volumes"]
    assert "mkdir -p /app/var/letters" in (ROOT / "Dockerfile").read_text()
    for app in ("cases", "messaging", "contacts", "portal", "referrals", "surveys"):
        assert f"COPY {app} ./{app}" in (ROOT / "Dockerfile").read_text(), app
