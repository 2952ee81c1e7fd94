"""The PostgreSQL side of the roll-up (see models.py): the triggers that write a delta for every change
of a duty's cell, the fold, and the full rebuild. Kept in one place so the migration, the task, the
rebuild command and the tests use the same statements."""

# A duty's outcome as the dashboards count it. Python twin: reporting.rollup.outcome_of.
OUTCOME_FUNCTION = """
CREATE OR REPLACE FUNCTION reporting_outcome(state text, met_on_time boolean) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE state
    WHEN 'met' THEN CASE WHEN met_on_time THEN 'on_time' ELSE 'late' END
    ELSE state END
$$;

-- A victim's age band at the offence (UK date). Python twin: cases.constants.AGE_BANDS.
CREATE OR REPLACE FUNCTION reporting_age_band(occurred timestamptz, dob date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN dob IS NULL THEN 'Not known'
    WHEN a <= 17 THEN 'Under 18' WHEN a <= 24 THEN '18 to 24' WHEN a <= 34 THEN '25 to 34'
    WHEN a <= 44 THEN '35 to 44' WHEN a <= 54 THEN '45 to 54' WHEN a <= 64 THEN '55 to 64'
    ELSE '65 and over' END
  FROM (SELECT date_part('year', age((occurred AT TIME ZONE 'Europe/London')::date, dob))::int AS a) AS x
$$;
"""

_ROW = """
  SELECT date_trunc('month', {r}.due_at AT TIME ZONE 'Europe/London')::date, {r}.bcu_id, {r}.team_id,
         coalesce({r}.owner_id, 0), {r}.code, {r}.enhanced, o."group",
         reporting_outcome({r}.state, {r}.met_on_time), {n},
         CASE WHEN {r}.state = 'open' THEN ({r}.due_at AT TIME ZONE 'Europe/London')::date END,
         p.ethnicity, p.gender, p.disability, reporting_age_band(c.occurred_at, p.date_of_birth)
  FROM cases_crime c JOIN cases_offence o ON o.id = c.offence_id
  JOIN cases_crimevictim cv ON cv.id = {r}.crime_victim_id JOIN cases_person p ON p.id = cv.person_id
  WHERE c.id = {r}.crime_id
"""

_COLUMNS = (
    "(month, bcu_id, team_id, owner_id, code, enhanced, offence_group, outcome, n, due_day, "
    "ethnicity, gender, disability, age_band)"
)
# The columns every delta computed from a duty row `b` (joined to its victim's person `p`) shares.
_DUTY = """date_trunc('month', b.due_at AT TIME ZONE 'Europe/London')::date, b.bcu_id, b.team_id,
           coalesce(b.owner_id, 0), b.code, b.enhanced"""
_OPEN_DAY = "CASE WHEN b.state = 'open' THEN (b.due_at AT TIME ZONE 'Europe/London')::date END"

TRIGGERS = f"""
CREATE OR REPLACE FUNCTION reporting_obligation_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A new duty waits for a reclassification of its crime (or of the crime's offence) still in flight, and
  -- its delta (the next statement, a fresh snapshot) then sees the committed group: the reclassification's
  -- own trigger cannot see a duty not yet committed. A changed or deleted duty needs no lock here: the
  -- reclassification locks the duties it reads (below), so one of the two always sees the other.
  IF TG_OP = 'INSERT' THEN
    PERFORM 1 FROM cases_crime c JOIN cases_offence o ON o.id = c.offence_id
      JOIN cases_crimevictim cv ON cv.id = NEW.crime_victim_id JOIN cases_person p ON p.id = cv.person_id
      WHERE c.id = NEW.crime_id FOR SHARE OF c, o, p;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO reporting_compliancedelta {_COLUMNS} {_ROW.format(r="OLD", n=-1)};
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO reporting_compliancedelta {_COLUMNS} {_ROW.format(r="NEW", n=1)};
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS reporting_obligation_insert_delete ON contacts_obligation;
CREATE TRIGGER reporting_obligation_insert_delete AFTER INSERT OR DELETE ON contacts_obligation
  FOR EACH ROW EXECUTE FUNCTION reporting_obligation_delta();

-- Only the columns a cell depends on: the scan's reminder and breach stamps write no delta.
DROP TRIGGER IF EXISTS reporting_obligation_update ON contacts_obligation;
CREATE TRIGGER reporting_obligation_update
  AFTER UPDATE OF state, met_on_time, owner_id, due_at, code, enhanced, team_id, bcu_id, crime_id
  ON contacts_obligation FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.met_on_time IS DISTINCT FROM NEW.met_on_time
        OR OLD.owner_id IS DISTINCT FROM NEW.owner_id OR OLD.code IS DISTINCT FROM NEW.code
        OR OLD.enhanced IS DISTINCT FROM NEW.enhanced OR OLD.team_id IS DISTINCT FROM NEW.team_id
        OR OLD.bcu_id IS DISTINCT FROM NEW.bcu_id OR OLD.crime_id IS DISTINCT FROM NEW.crime_id
        OR OLD.due_at IS DISTINCT FROM NEW.due_at)
  EXECUTE FUNCTION reporting_obligation_delta();

-- A crime reclassified into another offence group, or whose offence date moves (its victims' ages at the
-- offence), moves its duties between cells.
CREATE OR REPLACE FUNCTION reporting_crime_offence_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE old_group text; new_group text;
BEGIN
  SELECT "group" INTO old_group FROM cases_offence WHERE id = OLD.offence_id;
  SELECT "group" INTO new_group FROM cases_offence WHERE id = NEW.offence_id;
  IF old_group IS DISTINCT FROM new_group OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at THEN
    -- Wait for changes to these duties still in flight, then count them as committed (a new statement).
    PERFORM 1 FROM contacts_obligation WHERE crime_id = NEW.id FOR UPDATE;
    INSERT INTO reporting_compliancedelta {_COLUMNS}
    SELECT {_DUTY}, g.grp, reporting_outcome(b.state, b.met_on_time), g.n, {_OPEN_DAY},
           p.ethnicity, p.gender, p.disability, reporting_age_band(g.occurred, p.date_of_birth)
    FROM contacts_obligation b
    JOIN cases_crimevictim cv ON cv.id = b.crime_victim_id JOIN cases_person p ON p.id = cv.person_id
    CROSS JOIN (VALUES (old_group, OLD.occurred_at, -1), (new_group, NEW.occurred_at, 1))
      AS g(grp, occurred, n)
    WHERE b.crime_id = NEW.id;
  END IF;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS reporting_crime_offence ON cases_crime;
CREATE TRIGGER reporting_crime_offence AFTER UPDATE OF offence_id, occurred_at ON cases_crime
  FOR EACH ROW WHEN (OLD.offence_id IS DISTINCT FROM NEW.offence_id
                     OR OLD.occurred_at IS DISTINCT FROM NEW.occurred_at)
  EXECUTE FUNCTION reporting_crime_offence_delta();

-- A victim's self-defined details or date of birth changed: their duties move between equality cells.
CREATE OR REPLACE FUNCTION reporting_person_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM contacts_obligation b JOIN cases_crimevictim cv ON cv.id = b.crime_victim_id
    WHERE cv.person_id = NEW.id FOR UPDATE OF b;
  INSERT INTO reporting_compliancedelta {_COLUMNS}
  SELECT {_DUTY}, o."group", reporting_outcome(b.state, b.met_on_time), g.n, {_OPEN_DAY},
         g.eth, g.sex, g.dis, reporting_age_band(c.occurred_at, g.dob)
  FROM contacts_obligation b JOIN cases_crimevictim cv ON cv.id = b.crime_victim_id
  JOIN cases_crime c ON c.id = b.crime_id JOIN cases_offence o ON o.id = c.offence_id
  CROSS JOIN (VALUES (OLD.ethnicity::text, OLD.gender::text, OLD.disability::text, OLD.date_of_birth, -1),
                     (NEW.ethnicity::text, NEW.gender::text, NEW.disability::text, NEW.date_of_birth, 1))
    AS g(eth, sex, dis, dob, n)
  WHERE cv.person_id = NEW.id;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS reporting_person ON cases_person;
CREATE TRIGGER reporting_person AFTER UPDATE OF ethnicity, gender, disability, date_of_birth ON cases_person
  FOR EACH ROW WHEN (OLD.ethnicity IS DISTINCT FROM NEW.ethnicity OR OLD.gender IS DISTINCT FROM NEW.gender
    OR OLD.disability IS DISTINCT FROM NEW.disability OR OLD.date_of_birth IS DISTINCT FROM NEW.date_of_birth)
  EXECUTE FUNCTION reporting_person_delta();

-- An offence moved to another group (a data correction) moves the duties of all its crimes.
CREATE OR REPLACE FUNCTION reporting_offence_group_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM contacts_obligation b JOIN cases_crime c ON c.id = b.crime_id WHERE c.offence_id = NEW.id
    FOR UPDATE OF b;
  INSERT INTO reporting_compliancedelta {_COLUMNS}
  SELECT {_DUTY}, g.grp, reporting_outcome(b.state, b.met_on_time), g.n, {_OPEN_DAY},
         p.ethnicity, p.gender, p.disability, reporting_age_band(c.occurred_at, p.date_of_birth)
  FROM contacts_obligation b JOIN cases_crime c ON c.id = b.crime_id
  JOIN cases_crimevictim cv ON cv.id = b.crime_victim_id JOIN cases_person p ON p.id = cv.person_id
  CROSS JOIN (VALUES (OLD."group"::text, -1), (NEW."group"::text, 1)) AS g(grp, n)
  WHERE c.offence_id = NEW.id;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS reporting_offence_group ON cases_offence;
CREATE TRIGGER reporting_offence_group AFTER UPDATE OF "group" ON cases_offence
  FOR EACH ROW WHEN (OLD."group" IS DISTINCT FROM NEW."group")
  EXECUTE FUNCTION reporting_offence_group_delta();
"""  # noqa: S608 (constants only)

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS reporting_obligation_insert_delete ON contacts_obligation;
DROP TRIGGER IF EXISTS reporting_obligation_update ON contacts_obligation;
DROP TRIGGER IF EXISTS reporting_crime_offence ON cases_crime;
DROP TRIGGER IF EXISTS reporting_offence_group ON cases_offence;
DROP TRIGGER IF EXISTS reporting_person ON cases_person;
DROP FUNCTION IF EXISTS reporting_person_delta();
DROP FUNCTION IF EXISTS reporting_age_band(timestamptz, date);
DROP FUNCTION IF EXISTS reporting_obligation_delta();
DROP FUNCTION IF EXISTS reporting_crime_offence_delta();
DROP FUNCTION IF EXISTS reporting_offence_group_delta();
DROP FUNCTION IF EXISTS reporting_outcome(text, boolean);
"""

_KEY = "month, bcu_id, team_id, owner_id, code, enhanced, offence_group, outcome"
_TEAM_KEY = "month, bcu_id, team_id, code, enhanced, offence_group, outcome"
_BCU_KEY = "month, bcu_id, code, enhanced, offence_group, outcome"
_FORCE_KEY = "month, code, enhanced, offence_group, outcome"
_TEAM_OUTCOME_KEY = "month, bcu_id, team_id, outcome"
_OFFICER_OUTCOME_KEY = "month, bcu_id, team_id, owner_id, outcome"
_OPEN_KEY = "due_day, bcu_id, team_id, owner_id, code, enhanced, offence_group"
_OPEN_TEAM_KEY = "due_day, bcu_id, team_id, code, enhanced, offence_group"
_OPEN_BCU_KEY = "due_day, bcu_id, code, enhanced, offence_group"
_EQUALITY_KEY = "month, bcu_id, enhanced, outcome, ethnicity, gender, disability, age_band"
EQUALITY_TABLE = "reporting_equalitycell"
OPEN_TABLE = "reporting_openduecell"
OPEN_GRAINS = [
    (OPEN_TABLE, _OPEN_KEY),
    ("reporting_opendueteamcell", _OPEN_TEAM_KEY),
    ("reporting_openduebcucell", _OPEN_BCU_KEY),
]
# The three grains (reporting.models): table and key.
GRAINS = [
    ("reporting_compliancecell", _KEY),
    ("reporting_complianceteamcell", _TEAM_KEY),
    ("reporting_compliancebcucell", _BCU_KEY),
    ("reporting_complianceforcecell", _FORCE_KEY),
    ("reporting_complianceteamoutcomecell", _TEAM_OUTCOME_KEY),
    ("reporting_complianceofficeroutcomecell", _OFFICER_OUTCOME_KEY),
]


def _upsert(table: str, key: str, source: str) -> str:
    return (
        f"INSERT INTO {table} ({key}, n) SELECT {key}, sum(n) FROM {source} "  # noqa: S608 (constants only)
        f"GROUP BY {key} HAVING sum(n) <> 0 ON CONFLICT ({key}) DO UPDATE SET n = {table}.n + EXCLUDED.n"
    )


# Fold every delta written so far into its cell at each grain, in one statement (the deltas are read once);
# cells that reach zero go. In one transaction with an advisory lock, so two folds never add the same delta
# twice.
FOLD = [
    "SELECT pg_advisory_xact_lock(hashtext('reporting_fold'))",
    f"""
    WITH moved AS (DELETE FROM reporting_compliancedelta
                   RETURNING {_KEY}, n, due_day, ethnicity, gender, disability, age_band),
         opened AS (SELECT * FROM moved WHERE due_day IS NOT NULL),
         fine AS ({_upsert(GRAINS[0][0], _KEY, "moved")}),
         team AS ({_upsert(GRAINS[1][0], _TEAM_KEY, "moved")}),
         bcu AS ({_upsert(GRAINS[2][0], _BCU_KEY, "moved")}),
         force AS ({_upsert(GRAINS[3][0], _FORCE_KEY, "moved")}),
         team_outcome AS ({_upsert(GRAINS[4][0], _TEAM_OUTCOME_KEY, "moved")}),
         officer_outcome AS ({_upsert(GRAINS[5][0], _OFFICER_OUTCOME_KEY, "moved")}),
         open_fine AS ({_upsert(OPEN_GRAINS[0][0], _OPEN_KEY, "opened")}),
         open_team AS ({_upsert(OPEN_GRAINS[1][0], _OPEN_TEAM_KEY, "opened")}),
         open_bcu AS ({_upsert(OPEN_GRAINS[2][0], _OPEN_BCU_KEY, "opened")})
    {_upsert(EQUALITY_TABLE, _EQUALITY_KEY, "moved")}
    """,  # noqa: S608 (constants only)
    *[
        f"DELETE FROM {table} WHERE n = 0"  # noqa: S608 (constants only)
        for table in [g[0] for g in GRAINS + OPEN_GRAINS] + [EQUALITY_TABLE]
    ],
]

# Count every duty again from nothing (after a bulk load made with triggers off, or to repair).
REBUILD = [
    "SELECT pg_advisory_xact_lock(hashtext('reporting_fold'))",
    # No duty, crime or offence changes while every cell is counted again (a change committed between the
    # clearing of the deltas and the count would otherwise count twice).
    "LOCK TABLE contacts_obligation, cases_crime, cases_offence, cases_person IN SHARE MODE",
    "DELETE FROM reporting_compliancedelta",
    # DELETE, not TRUNCATE: readers keep seeing the old cells until the new ones commit.
    *[f"DELETE FROM {table}" for table in [g[0] for g in GRAINS + OPEN_GRAINS] + [EQUALITY_TABLE]],  # noqa: S608
    f"""
    INSERT INTO reporting_compliancecell ({_KEY}, n)
    SELECT date_trunc('month', b.due_at AT TIME ZONE 'Europe/London')::date, b.bcu_id, b.team_id,
           coalesce(b.owner_id, 0), b.code, b.enhanced, o."group", reporting_outcome(b.state, b.met_on_time),
           count(*)
    FROM contacts_obligation b JOIN cases_crime c ON c.id = b.crime_id
    JOIN cases_offence o ON o.id = c.offence_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    """,  # noqa: S608 (constants only)
    f"INSERT INTO {GRAINS[1][0]} ({_TEAM_KEY}, n) SELECT {_TEAM_KEY}, sum(n) FROM {GRAINS[0][0]} "  # noqa: S608
    f"GROUP BY {_TEAM_KEY}",
    f"INSERT INTO {GRAINS[2][0]} ({_BCU_KEY}, n) SELECT {_BCU_KEY}, sum(n) FROM {GRAINS[1][0]} "  # noqa: S608
    f"GROUP BY {_BCU_KEY}",
    f"INSERT INTO {GRAINS[3][0]} ({_FORCE_KEY}, n) SELECT {_FORCE_KEY}, sum(n) FROM {GRAINS[2][0]} "  # noqa: S608
    f"GROUP BY {_FORCE_KEY}",
    f"INSERT INTO {GRAINS[5][0]} ({_OFFICER_OUTCOME_KEY}, n) SELECT {_OFFICER_OUTCOME_KEY}, sum(n) "  # noqa: S608
    f"FROM {GRAINS[0][0]} GROUP BY {_OFFICER_OUTCOME_KEY}",
    f"INSERT INTO {GRAINS[4][0]} ({_TEAM_OUTCOME_KEY}, n) SELECT {_TEAM_OUTCOME_KEY}, sum(n) "  # noqa: S608
    f"FROM {GRAINS[5][0]} GROUP BY {_TEAM_OUTCOME_KEY}",
    f"""
    INSERT INTO {OPEN_TABLE} ({_OPEN_KEY}, n)
    SELECT (b.due_at AT TIME ZONE 'Europe/London')::date, b.bcu_id, b.team_id, coalesce(b.owner_id, 0),
           b.code, b.enhanced, o."group", count(*)
    FROM contacts_obligation b JOIN cases_crime c ON c.id = b.crime_id
    JOIN cases_offence o ON o.id = c.offence_id
    WHERE b.state = 'open'
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    """,  # noqa: S608 (constants only)
    f"INSERT INTO {OPEN_GRAINS[1][0]} ({_OPEN_TEAM_KEY}, n) SELECT {_OPEN_TEAM_KEY}, sum(n) "  # noqa: S608
    f"FROM {OPEN_TABLE} GROUP BY {_OPEN_TEAM_KEY}",
    f"INSERT INTO {OPEN_GRAINS[2][0]} ({_OPEN_BCU_KEY}, n) SELECT {_OPEN_BCU_KEY}, sum(n) "  # noqa: S608
    f"FROM {OPEN_GRAINS[1][0]} GROUP BY {_OPEN_BCU_KEY}",
    f"""
    INSERT INTO {EQUALITY_TABLE} ({_EQUALITY_KEY}, n)
    SELECT date_trunc('month', b.due_at AT TIME ZONE 'Europe/London')::date, b.bcu_id, b.enhanced,
           reporting_outcome(b.state, b.met_on_time), p.ethnicity, p.gender, p.disability,
           reporting_age_band(c.occurred_at, p.date_of_birth), count(*)
    FROM contacts_obligation b JOIN cases_crime c ON c.id = b.crime_id
    JOIN cases_crimevictim cv ON cv.id = b.crime_victim_id JOIN cases_person p ON p.id = cv.person_id
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    """,  # noqa: S608 (constants only)
]
