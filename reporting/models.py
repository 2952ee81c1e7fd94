"""The compliance roll-up: duties counted by the month they fell due and every dimension the dashboards
filter on, so that a force's year is a few thousand rows to add up instead of millions of duties.

On PostgreSQL, triggers on the duty table (and on a crime's or an offence's offence group) append a row
to ComplianceDelta for every change that moves a duty between cells: -1 from the cell it leaves, +1 to
the one it joins, in the same transaction as the change. Readers add the pending deltas to the cells
(one statement, one snapshot), so a figure is exact the moment the change commits; the beat task
reporting.tasks.fold_deltas folds the deltas into the cells every minute to keep that addition small.
On SQLite (`make run` without services) the same figures are counted from the duties directly."""

from django.db import models

# The dimensions a cell is keyed by, in order.
DIMENSIONS = ("month", "bcu_id", "team_id", "owner_id", "code", "enhanced", "offence_group", "outcome")
# The same counts at three grains: by officer (every dimension), by team (no officer) and by BCU (no team
# or officer). A read uses the coarsest grain that has every column it groups or filters by: a force's year
# is about a hundred thousand BCU cells instead of millions of officer cells.
TEAM_DIMENSIONS = tuple(d for d in DIMENSIONS if d != "owner_id")
BCU_DIMENSIONS = tuple(d for d in TEAM_DIMENSIONS if d != "team_id")
FORCE_DIMENSIONS = tuple(d for d in BCU_DIMENSIONS if d != "bcu_id")
OPEN_DIMENSIONS = ("due_day", "bcu_id", "team_id", "owner_id", "code", "enhanced", "offence_group")


class _Counts(models.Model):
    month = models.DateField(help_text="First day of the month (UK time) in which the duty fell due.")
    bcu_id = models.IntegerField()
    team_id = models.IntegerField()
    owner_id = models.IntegerField(help_text="The duty's officer now; 0 when it has none.")
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    outcome = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        abstract = True


class ComplianceCell(_Counts):
    class Meta:
        constraints = [models.UniqueConstraint(fields=list(DIMENSIONS), name="compliance_cell_key")]
        indexes = [
            models.Index(fields=["id"], name="compliance_cell_zero_idx", condition=models.Q(n=0)),
            models.Index(fields=["bcu_id", "month"], name="compliance_cell_bcu_idx"),
            models.Index(fields=["team_id", "month"], name="compliance_cell_team_idx"),
            models.Index(fields=["owner_id", "month"], name="compliance_cell_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.code} {self.outcome}: {self.n}"


class _Coarse(models.Model):
    month = models.DateField()
    bcu_id = models.IntegerField()
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    outcome = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        abstract = True


class ComplianceTeamCell(_Coarse):
    team_id = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(TEAM_DIMENSIONS), name="compliance_team_cell_key")]
        indexes = [
            models.Index(fields=["id"], name="compliance_team_cell_zero_idx", condition=models.Q(n=0)),
            models.Index(fields=["bcu_id", "month"], name="compliance_team_cell_bcu_idx"),
            models.Index(fields=["team_id", "month"], name="compliance_team_cell_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} team {self.team_id} {self.code} {self.outcome}: {self.n}"


class ComplianceTeamOutcomeCell(models.Model):
    """Outcomes by month, BCU and team only: a BCU's or a supervisor's breakdown by team reads a few
    hundred of these instead of tens of thousands of team cells."""

    month = models.DateField()
    bcu_id = models.IntegerField()
    team_id = models.IntegerField()
    outcome = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "bcu_id", "team_id", "outcome"], name="compliance_tout_key"
            )
        ]
        indexes = [
            models.Index(fields=["bcu_id", "month"], name="compliance_tout_bcu_idx"),
            models.Index(fields=["id"], name="compliance_tout_zero_idx", condition=models.Q(n=0)),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} team {self.team_id} {self.outcome}: {self.n}"


class ComplianceOfficerOutcomeCell(models.Model):
    """Outcomes by month, BCU, team and officer only: a team's breakdown by officer."""

    month = models.DateField()
    bcu_id = models.IntegerField()
    team_id = models.IntegerField()
    owner_id = models.IntegerField()
    outcome = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "bcu_id", "team_id", "owner_id", "outcome"], name="compliance_oout_key"
            )
        ]
        indexes = [
            models.Index(fields=["team_id", "month"], name="compliance_oout_team_idx"),
            models.Index(fields=["owner_id", "month"], name="compliance_oout_owner_idx"),
            models.Index(fields=["id"], name="compliance_oout_zero_idx", condition=models.Q(n=0)),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} officer {self.owner_id} {self.outcome}: {self.n}"


class ComplianceForceCell(models.Model):
    """The force's counts, no BCU, team or officer: what a force-wide page reads for everything but its
    BCU breakdown."""

    month = models.DateField()
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    outcome = models.CharField(max_length=12)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=list(FORCE_DIMENSIONS), name="compliance_force_cell_key")
        ]
        indexes = [
            models.Index(fields=["id"], name="compliance_force_cell_zero_idx", condition=models.Q(n=0))
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.code} {self.outcome}: {self.n}"


class ComplianceBcuCell(_Coarse):
    class Meta:
        constraints = [models.UniqueConstraint(fields=list(BCU_DIMENSIONS), name="compliance_bcu_cell_key")]
        indexes = [
            models.Index(fields=["id"], name="compliance_bcu_cell_zero_idx", condition=models.Q(n=0)),
            # A BCU's page reads its months by duty, victims and offence group (rollup._read_grain): a
            # tenth of the cells, which without this index meant reading all of them.
            models.Index(fields=["bcu_id", "month"], name="compliance_bcu_cell_bcu_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} BCU {self.bcu_id} {self.code} {self.outcome}: {self.n}"


class OpenDueCell(models.Model):
    """Open duties by the day they fall due (UK time): what makes a duty overdue is time, not a change, so
    "overdue now" is the open duties due before today, read from here, plus today's due before now,
    counted directly (a day's few). Kept by the same deltas as the other cells."""

    due_day = models.DateField()
    bcu_id = models.IntegerField()
    team_id = models.IntegerField()
    owner_id = models.IntegerField()
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    n = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=list(OPEN_DIMENSIONS), name="open_due_cell_key")]
        indexes = [
            models.Index(fields=["id"], name="open_due_cell_zero_idx", condition=models.Q(n=0)),
            models.Index(fields=["bcu_id", "due_day"], name="open_due_cell_bcu_idx"),
            models.Index(fields=["team_id", "due_day"], name="open_due_cell_team_idx"),
            models.Index(fields=["owner_id", "due_day"], name="open_due_cell_owner_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_day} {self.code}: {self.n} open"


class OpenDueTeamCell(models.Model):
    """OpenDueCell without the officer."""

    due_day = models.DateField()
    bcu_id = models.IntegerField()
    team_id = models.IntegerField()
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[d for d in OPEN_DIMENSIONS if d != "owner_id"], name="open_due_team_cell_key"
            )
        ]
        indexes = [
            models.Index(fields=["id"], name="open_due_team_cell_zero_idx", condition=models.Q(n=0)),
            models.Index(fields=["bcu_id", "due_day"], name="open_due_team_cell_bcu_idx"),
            models.Index(fields=["team_id", "due_day"], name="open_due_team_cell_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_day} team {self.team_id} {self.code}: {self.n} open"


class OpenDueBcuCell(models.Model):
    """OpenDueCell without the team or officer: what force and BCU pages read."""

    due_day = models.DateField()
    bcu_id = models.IntegerField()
    code = models.CharField(max_length=40)
    enhanced = models.BooleanField()
    offence_group = models.CharField(max_length=30)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[d for d in OPEN_DIMENSIONS if d not in ("owner_id", "team_id")],
                name="open_due_bcu_cell_key",
            )
        ]
        indexes = [
            models.Index(fields=["id"], name="open_due_bcu_cell_zero_idx", condition=models.Q(n=0)),
            models.Index(fields=["bcu_id", "due_day"], name="open_due_bcu_cell_bcu_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.due_day} BCU {self.bcu_id} {self.code}: {self.n} open"


class EqualityCell(models.Model):
    """Duties by the month they fell due, BCU, standard or enhanced, outcome, and the victim's
    self-defined ethnicity, sex, disability and age band at the offence: what the equality breakdowns of a
    force or a BCU read. Kept by the same deltas (a victim's changed details move their duties)."""

    month = models.DateField()
    bcu_id = models.IntegerField()
    enhanced = models.BooleanField()
    outcome = models.CharField(max_length=12)
    ethnicity = models.CharField(max_length=2)
    gender = models.CharField(max_length=20)
    disability = models.CharField(max_length=10)
    age_band = models.CharField(max_length=20)
    n = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "month",
                    "bcu_id",
                    "enhanced",
                    "outcome",
                    "ethnicity",
                    "gender",
                    "disability",
                    "age_band",
                ],
                name="equality_cell_key",
            )
        ]
        indexes = [models.Index(fields=["id"], name="equality_cell_zero_idx", condition=models.Q(n=0))]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.ethnicity or '-'} {self.outcome}: {self.n}"


class ComplianceDelta(_Counts):
    """Append-only; removed by the fold that adds it to its cells. `due_day`: an open duty's due date; the
    victim's details for the equality cells."""

    due_day = models.DateField(null=True, blank=True)
    ethnicity = models.CharField(max_length=2, default="")
    gender = models.CharField(max_length=20, default="")
    disability = models.CharField(max_length=10, default="")
    age_band = models.CharField(max_length=20, default="")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.code} {self.outcome}: {self.n:+d}"
