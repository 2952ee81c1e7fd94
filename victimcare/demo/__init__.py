"""Synthetic demo data: a small fictional force with staff, support organisations and ~4,000 crimes
recorded over the last year, with their Victims' Code duties (obligations), contact plans, contact log and
a few staff absences.

    python manage.py seed_demo                # the full demo data set
    python manage.py seed_demo --crimes 60    # a small one (tests)
    python manage.py seed_demo --if-empty     # do nothing if any crime exists (`make run`)

Everything is fictional: names come from Faker (seeded, so the same data every time), phone numbers
from Ofcom's drama ranges (07700 900xxx, 01632 960xxx, 0113 496 0xxx), email addresses from
example.com/example.org, towns are made up.

Running it twice creates nothing new: organisation, staff and support organisations are get_or_create
on natural keys, and crimes are only generated while no crime recorded by a demo user exists. The
deadline-engine data (obligations, contacts, contact plans, absences) is generated for the demo crimes
only while none of them has an obligation, so a database seeded before the engine existed gets it too
(also with --if-empty).

Obligations are not invented: each crime's history is replayed through the real engine
(contacts.services.obligations_create, with the rule set in force at each trigger and the working-day
calendar), and the contacts that meet them go through the contact log's own rules, the same functions
contact_log and the case services call (duties_a_contact_meets, contact_restarts_updates, ends_at_closure,
closure_met_by_earlier_contacts), and every state change through set_met / set_closed. The replay works on
duties in memory and writes them in bulk, which is what keeps the seed to seconds: calling contact_log and
event_record for each of the ~25,000 contacts and ~19,000 events would take minutes. The two portal demo
victims are recorded through the real services end to end (victimcare.demo.portal_victims).
Everything is relative to the time of seeding: old duties were mostly met, recent ones are due in the
coming days, a few are overdue.

A year of history for the compliance dashboards: crimes are recorded over the last 365 days (a few more in
the summer), and how often a duty is met on time follows data.on_time_chance, drawn from the seed's
random stream: the force improves over the year with a dip in the summer, one team (North CID) is clearly
weaker and has more overdue duties now, BCUs and officers differ a little, enhanced victims' duties (shorter
deadlines) are met on time less often, and duties for victims of self-defined ethnic-minority groups less
often than for White British victims, a gap that narrows over the year. A few event notifications are
waived with a reason. No reminder or escalation is marked as sent, so the first beat tick of
`make run` sends them (inbox and digest email).

The package: `data` (the force's tables), `crimes` (organisation, staff and crimes), `replay` (each
crime's duties and contacts through the deadline engine), `portal_victims` (two victims recorded through
the real services), and `seed.seed_demo`, which runs them in order; the `seed_demo` management command
is its command-line front.
"""
