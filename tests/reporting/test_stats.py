"""Rate, interval and suppression arithmetic, table-driven."""

import pytest

from reporting import stats
from reporting.figures import Tally, age_band, ethnic_group, gap_text

# Wilson 95% intervals to 4 decimal places, worked by hand from the closed form (0 of n: the upper bound
# is z^2 / (n + z^2)); test_wilson_inverts_the_score_test checks the formula itself another way.
WILSON = [
    (0, 10, 0.0000, 0.2775),
    (10, 10, 0.7225, 1.0000),
    (5, 10, 0.2366, 0.7634),
    (82, 100, 0.7333, 0.8830),
    (1, 1000, 0.0002, 0.0056),
    (450, 500, 0.8706, 0.9233),
]


@pytest.mark.parametrize("k,n,lo,hi", WILSON)
def test_wilson(k, n, lo, hi):
    a, b = stats.wilson(k, n)
    assert (round(a, 4), round(b, 4)) == (lo, hi)


@pytest.mark.parametrize("k,n", [(1, 7), (3, 40), (50, 51), (123, 1000)])
def test_wilson_inverts_the_score_test(k, n):
    """The interval is the set of p whose score test does not reject k of n: found by bisection."""
    p_hat, z = k / n, stats.Z_95

    def outside(p):
        return abs(p_hat - p) / (p * (1 - p) / n) ** 0.5 - z

    def root(lo, hi):
        for _ in range(200):
            mid = (lo + hi) / 2
            if (outside(lo) > 0) == (outside(mid) > 0):
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    a, b = stats.wilson(k, n)
    assert a == pytest.approx(root(1e-12, p_hat), abs=1e-9)
    assert b == pytest.approx(root(p_hat, 1 - 1e-12), abs=1e-9)


@pytest.mark.parametrize("k,n", [(0, 0), (-1, 5), (6, 5)])
def test_wilson_refuses_impossible_counts(k, n):
    with pytest.raises(ValueError):
        stats.wilson(k, n)


@pytest.mark.parametrize(
    "k,n,threshold,text,percent,interval",
    [
        (0, 0, 10, "None due", "", ""),
        (3, 9, 10, "Fewer than 10", "", ""),
        (9, 9, 10, "Fewer than 10", "", ""),
        (9, 10, 10, "90%", "90%", "60% to 98%"),
        (82, 100, 10, "82%", "82%", "73% to 88%"),
        (3, 9, 5, "33%", "33%", "12% to 65%"),
        (1, 3, 1, "33%", "33%", "6% to 79%"),
    ],
)
def test_rate_text_and_suppression(k, n, threshold, text, percent, interval):
    r = stats.rate(k, n, threshold)
    assert (r.text, r.percent, r.interval_text) == (text, percent, interval)
    assert r.shown == (n >= threshold and n > 0)


@pytest.mark.parametrize(
    "n,text", [(0, "0"), (1, "Fewer than 10"), (9, "Fewer than 10"), (10, "10"), (12345, "12,345")]
)
def test_count_suppression(n, text):
    assert stats.count_text(n, 10) == text


def test_threshold_is_configurable(settings):
    settings.VC_SUPPRESS_BELOW = 20
    assert stats.rate(15, 19).text == "Fewer than 20" and stats.count_text(19) == "Fewer than 20"
    assert stats.rate(15, 20).text == "75%"


@pytest.mark.parametrize(
    "t,due,rated",
    [
        (Tally(on_time=8, late=1, overdue=1, pending=5, waived=2, not_required=3), 10, "80%"),
        (Tally(pending=50, waived=50), 0, "None due"),
    ],
)
def test_a_tally_rates_only_what_fell_due(t, due, rated):
    assert t.due == due and t.rate(10).text == rated


@pytest.mark.parametrize(
    "code,group",
    [
        ("W1", "White"),
        ("W3", "White"),
        ("A3", "Ethnic minority"),
        ("O2", "Ethnic minority"),
        ("NS", "Not known"),
        ("", "Not known"),
    ],
)
def test_ethnic_groups(code, group):
    assert ethnic_group(code) == group


@pytest.mark.parametrize(
    "age,band",
    [
        (None, "Not known"),
        (0, "Under 18"),
        (17, "Under 18"),
        (18, "18 to 24"),
        (64, "55 to 64"),
        (65, "65 and over"),
        (101, "65 and over"),
    ],
)
def test_age_bands(age, band):
    assert age_band(age) == band


@pytest.mark.parametrize(
    "white,minority,text",
    [
        (
            Tally(on_time=90, late=10),
            Tally(on_time=80, late=20),
            "Duties for ethnic-minority victims were met on time 10 percentage points less often "
            "(80% against 90%).",
        ),
        (
            Tally(on_time=70, late=30),
            Tally(on_time=80, late=20),
            "Duties for White victims were met on time 10 percentage points less often (70% against 80%).",
        ),
        (
            Tally(on_time=9, late=0),
            Tally(on_time=80, late=20),
            "Too few duties fell due for one of the groups to compare them.",
        ),
    ],
)
def test_gap_text(white, minority, text, settings):
    settings.VC_SUPPRESS_BELOW = 10
    assert gap_text(white, minority) == text


@pytest.mark.parametrize(
    "rows,hidden",
    [
        # One small group alone would be total minus the others: the next smallest goes too.
        ([("A", 40, 50), ("B", 3, 4), ("C", 15, 20), ("D", 90, 100)], {"B", "C"}),
        # Two small groups already hide each other.
        ([("A", 40, 50), ("B", 3, 4), ("C", 5, 6)], {"B", "C"}),
        ([("A", 40, 50), ("B", 30, 40)], set()),
    ],
)
def test_complementary_suppression(rows, hidden, settings):
    from reporting.tables import rate_table

    settings.VC_SUPPRESS_BELOW = 10
    table = rate_table("t", "T", "Group", rows, what="Met on time")
    shown = {r[0].text for r in table.rows if r[3].text not in ("Not given",)}
    assert {label for label, _, _ in rows} - shown == hidden
