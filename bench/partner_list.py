"""Benchmark of the partner API's referral list (GET /api/partner/referrals/) for one organisation with
200,000 referrals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/vc_bench_referrals .venv/bin/python -m bench.partner_list

PostgreSQL only (on anything else it prints a message and skips). Not part of the test run. Its database
is its own (vc_bench_referrals), created and migrated if missing.

The data set is built once, in one transaction, by set-based INSERT ... SELECT FROM generate_series (see
bench/_data.py); later runs reuse it (the marker is the organisation "Bench partner A"):
- 1 BCU, 1 team, 10 officers; 25,000 crimes with 10 victims each (250,000 people);
- BENCH_PARTNER_REFERRALS (default 200,000) referrals to "Bench partner A", and a quarter as many to
  three other organisations (the rows the list must skip), changed over two years (more of them
  recently), in every state (3% still waiting at the force, which a service never sees), 5% with
  updated details.

Figures (one `name=value` line each), through the whole stack (Django's test client with the
organisation's API key, DEBUG off: authentication, throttles, the access record, the JSON):
BENCH_PARTNER_RUNS timed requests of each kind (default 100, after 10 warm-up):
- the first page (50 referrals, the oldest changes first);
- a page of those changed since yesterday (updated_since), as a service syncing daily asks;
- a page deep in the list, reached by its cursor (keyset pagination: it costs what the first does);
partner_list_p95_ms is the p95 over the first two kinds (target < 50), with p50 and p95 of each kind.
"""

import os
import sys
import time
from datetime import timedelta

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victimcare.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import _data  # noqa: E402
from cases.models import Crime, CrimeVictim, Offence, Person  # noqa: E402
from referrals import keys  # noqa: E402
from referrals.api import ChangedCursor  # noqa: E402
from referrals.models import Referral, SupportOrganisation  # noqa: E402

N = int(os.environ.get("BENCH_PARTNER_REFERRALS", "200000"))
RUNS = int(os.environ.get("BENCH_PARTNER_RUNS", "100"))
WARMUP = 10
CODE, NAME, DOMAIN = "pl", "Partner list bench", "partner-bench.police.uk"
MARK = "Bench partner A"
OTHERS = ["Bench partner B", "Bench partner C", "Bench partner D"]
VICTIMS_PER_CRIME = 10
CRIME, PERSON, VICTIM, REFERRAL = (
    Crime._meta.db_table,
    Person._meta.db_table,
    CrimeVictim._meta.db_table,
    Referral._meta.db_table,
)

CRIMES_SQL = f"""
    INSERT INTO {CRIME} (
        id, created_at, updated_at, reference, occurred_at, occurred_to, reported_at, recorded_at, location,
        summary, status, closure_reason, closed_at, is_domestic_abuse, is_hate_crime, is_sensitive,
        is_restricted, bcu_id, created_by_id, oic_id, team_id, offence_id
    )
    SELECT %(c0)s + g, %(now)s - r, %(now)s - r, 'PL/' || lpad(g::text, 7, '0') || '/26',
           %(now)s - r - interval '1 day', NULL, %(now)s - r - interval '1 hour', %(now)s - r,
           'Bench Street', '', 'under_investigation', '', NULL, false, false, false, false,
           %(bcu)s, o, o, %(team)s, %(offence)s
    FROM (
        SELECT g, (%(officers)s::bigint[])[1 + g %% cardinality(%(officers)s::bigint[])] AS o,
               power(pg_temp.u(g, 1), 1.5) * interval '730 days' AS r
        FROM generate_series(1, %(crimes)s) g
    ) s
"""

PEOPLE_SQL = f"""
    INSERT INTO {PERSON} (
        id, created_at, updated_at, title, first_name, last_name, date_of_birth, gender, ethnicity,
        disability, disability_details, first_language, interpreter_needed, needs_large_print,
        needs_easy_read, needs_braille, mobile_phone, other_phone, email, address_line_1, address_line_2,
        town, postcode, preferred_contact_method, preferred_contact_times, safe_phone, safe_voicemail,
        safe_sms, safe_email, safe_letter, safe_visit, match_key
    )
    SELECT %(p0)s + n, %(now)s, %(now)s, 'Ms', 'Bench', 'Victim ' || n, date '1980-01-01' + n %% 9000,
           'female', 'W1', 'no', '', 'English', false, false, false, false, '07700 900' ||
           lpad((n %% 1000)::text, 3, '0'), '', 'bench.victim' || n || '@example.org', n || ' High St',
           '', 'Benchford', 'BF1 1AA', 'phone', '', true, true, true, true, true, false,
           'bench|victim ' || n
    FROM generate_series(1, %(people)s) n
"""

VICTIMS_SQL = f"""
    INSERT INTO {VICTIM} (id, created_at, updated_at, role, relationship, added_by_id, crime_id, person_id)
    SELECT %(v0)s + n, %(now)s, %(now)s, 'victim', '', c.created_by_id, c.id, %(p0)s + n
    FROM generate_series(1, %(people)s) n
    JOIN {CRIME} c ON c.id = %(c0)s + 1 + (n - 1) / {VICTIMS_PER_CRIME}
"""

# Each victim gets one referral: the first N to organisation A, the rest spread over the others.
# State by a seeded draw; changed_at between the referral's sending and now (more of them recent).
REFERRALS_SQL = f"""
    INSERT INTO {REFERRAL} (
        crime_id, crime_victim_id, organisation_id, routing_rule_id, state, consent_basis, decision,
        decision_by_id, decision_at, sharing_note, created_at, created_by_id, send_after, sent_at,
        ack_due_at, contact_due_at, acknowledged_at, accepted_at, contacted_at, closed_at, reason,
        contact_attempts, details_updated_at, ack_reminded_at, contact_reminded_at, version, changed_at
    )
    SELECT v.crime_id, v.id, o, NULL, st, 'opt_out', 'given', NULL, NULL, '', sent, NULL, NULL,
           CASE WHEN st = 'created' THEN NULL ELSE sent END,
           sent + interval '2 days', sent + interval '5 days',
           CASE WHEN st NOT IN ('created', 'sent') THEN sent + interval '1 day' END,
           CASE WHEN st NOT IN ('created', 'sent', 'received', 'rejected') THEN sent + interval '1 day' END,
           CASE WHEN st IN ('contacted', 'support_given', 'support_declined', 'closed')
                THEN sent + interval '3 days' END,
           CASE WHEN st IN ('closed', 'rejected', 'withdrawn') THEN changed END,
           '', 0, CASE WHEN pg_temp.u(n, 23) < 0.05 THEN changed END, NULL, NULL,
           2 + floor(pg_temp.u(n, 24) * 6)::int, changed
    FROM (
        SELECT n, CASE WHEN n <= %(n)s THEN %(org_a)s
                       ELSE (%(others)s::bigint[])[1 + n %% cardinality(%(others)s::bigint[])] END AS o,
               CASE WHEN u < 0.03 THEN 'created' WHEN u < 0.10 THEN 'sent' WHEN u < 0.15 THEN 'received'
                    WHEN u < 0.22 THEN 'accepted' WHEN u < 0.27 THEN 'contacted'
                    WHEN u < 0.30 THEN 'unable_to_contact' WHEN u < 0.35 THEN 'support_given'
                    WHEN u < 0.38 THEN 'support_declined' WHEN u < 0.42 THEN 'rejected'
                    WHEN u < 0.44 THEN 'withdrawn' ELSE 'closed' END AS st,
               %(now)s - power(pg_temp.u(n, 21), 1.5) * interval '730 days' AS sent,
               pg_temp.u(n, 22) AS w, u
        FROM (SELECT n, pg_temp.u(n, 20) AS u FROM generate_series(1, %(total)s) n) d
    ) s
    JOIN {VICTIM} v ON v.id = %(v0)s + n
    CROSS JOIN LATERAL (SELECT least(%(now)s, sent + w * (%(now)s - sent)) AS changed) ch
"""


def build() -> SupportOrganisation:
    """The data set (once). Returns organisation A."""
    org = SupportOrganisation.objects.filter(name=MARK).first()
    if org is not None:
        return org
    total = N + N // 4
    people = total
    crimes = -(-people // VICTIMS_PER_CRIME)
    t0 = time.perf_counter()
    with transaction.atomic():
        superuser = _data.bulk_load_session()
        officers = _data.staff_create(
            code=CODE, name=NAME, domain=DOMAIN, bcus=1, teams_per_bcu=1, officers_per_team=10
        )
        org = SupportOrganisation.objects.create(name=MARK, kind="general", consent_basis="opt_out")
        others = [
            SupportOrganisation.objects.create(name=n, kind="general", consent_basis="opt_out").pk
            for n in OTHERS
        ]
        offence = Offence.objects.filter(active=True, is_homicide=False).order_by("id").first()
        now = timezone.now()
        c0, p0, v0 = _data.id_base(CRIME), _data.id_base(PERSON), _data.id_base(VICTIM)
        params = {
            "now": now,
            "c0": c0,
            "p0": p0,
            "v0": v0,
            "crimes": crimes,
            "people": people,
            "officers": [o.id for o in officers],
            "bcu": officers[0].bcu_id,
            "team": officers[0].team_id,
            "offence": offence.pk,
            "n": N,
            "total": total,
            "org_a": org.pk,
            "others": others,
        }
        with connection.cursor() as cur:
            for sql in (CRIMES_SQL, PEOPLE_SQL, VICTIMS_SQL, REFERRALS_SQL):
                cur.execute(sql, params)
        _data.sync_sequences([CRIME, PERSON, VICTIM])
    _data.analyze([CRIME, PERSON, VICTIM, REFERRAL])
    print(f"partner_list_build_seconds={time.perf_counter() - t0:.1f} (foreign-key checks off: {superuser})")
    return org


def timed(client: Client, url: str, params: dict | None = None) -> list[float]:
    for _ in range(WARMUP):
        assert client.get(url, params).status_code == 200
    samples = []
    for _ in range(RUNS):
        t = time.perf_counter()
        response = client.get(url, params)
        samples.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, response.content[:300]
    return samples


def run() -> int:
    if connection.vendor != "postgresql":
        print(
            f"partner_list_p95_ms=skipped (needs PostgreSQL, database is {connection.vendor}; "
            "set DATABASE_URL=postgres://.../vc_bench_referrals)"
        )
        return 0
    org = build()
    visible = Referral.objects.filter(organisation=org).exclude(state="created").count()
    print(f"partner_list_database={connection.settings_dict['NAME']}")
    print(f"partner_list_referrals_in_database={Referral.objects.count()}")
    print(f"partner_list_referrals_of_the_organisation={visible}")
    key, raw = keys.key_create(organisation=org, name=f"bench {os.getpid()}", by=None)
    url = "/api/partner/referrals/"
    try:
        # Throttles far above the run's pace: what is measured is the list, not the limiter's refusals.
        with override_settings(DEBUG=False):
            from referrals.authentication import PartnerAddressThrottle, PartnerKeyThrottle

            PartnerAddressThrottle.rate = PartnerKeyThrottle.rate = "100000/minute"
            client = Client(headers={"authorization": f"Bearer {raw}"})
            since = (timezone.now() - timedelta(days=1)).isoformat()
            recent = client.get(url, {"updated_since": since}).json()["results"]
            first = timed(client, url)
            updated = timed(client, url, {"updated_since": since})
            # A page deep in the list: follow the cursor of the referral in the middle.
            middle = (
                Referral.objects.filter(organisation=org)
                .exclude(state="created")
                .order_by("changed_at", "id")
                .values_list("changed_at", "id")[visible // 2]
            )
            cursor = ChangedCursor._encode(Referral(pk=middle[1], changed_at=middle[0]))
            deep = timed(client, url, {"cursor": cursor})
    finally:
        keys.key_revoke(key=key, by=None)
    both = first + updated
    print(f"partner_list_updated_since_rows={len(recent)}")
    print(f"partner_list_first_page_p50_ms={_data.p50(first):.1f}")
    print(f"partner_list_first_page_p95_ms={_data.p95(first):.1f}")
    print(f"partner_list_updated_since_p50_ms={_data.p50(updated):.1f}")
    print(f"partner_list_updated_since_p95_ms={_data.p95(updated):.1f}")
    print(f"partner_list_deep_page_p50_ms={_data.p50(deep):.1f}")
    print(f"partner_list_deep_page_p95_ms={_data.p95(deep):.1f}")
    print(f"partner_list_p95_ms={_data.p95(both):.1f}")
    return 0


def main() -> int:
    _data.ensure_database()
    call_command("migrate", verbosity=0)
    return run()


if __name__ == "__main__":
    sys.exit(main())
