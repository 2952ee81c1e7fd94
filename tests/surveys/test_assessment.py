"""Self-assessment against the Citizen Focus guide: the guide's words as data; averages per component
(table-driven, no database); bad scores refused in words with nothing kept; who may see and make which
assessments; the spider diagram draws one polygon per assessment shown; the guidance is offered for low
components only."""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys import assessment_source
from surveys.assessment_data import COMPONENTS, SCALE
from surveys.assessment_guidance import CHAPTERS
from surveys.assessment_models import (
    AssessmentComponent,
    AssessmentIndicator,
    AssessmentScore,
    SelfAssessment,
)
from surveys.assessment_services import (
    assessment_record,
    average,
    component_averages,
    is_low,
    parse_score,
)
from tests.factories import UserFactory
from victimcare.accounts.constants import Role

NOW = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
SEED = Path(settings.BASE_DIR).parent / "shared" / "seeds" / "004_c0aaf7435d9cebdf.txt"


# --- Pure rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([], None),  # nothing scored is not the same as scoring 0
        ([0], 0.0),
        ([0, 0, 0], 0.0),
        ([4, 4], 4.0),
        ([3, 2], 2.5),
        ([1, 2, 2], 5 / 3),
        ([0, 1, 2, 3, 4], 2.0),
        ([2, 2, 1, 3, 3, 1, 2, 2], 2.0),
    ],
)
def test_average(scores, expected):
    assert average(scores) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("by_component", "expected"),
    [
        ({}, {}),
        ({2: [4, 3], 1: [1, 2]}, {1: 1.5, 2: 3.5}),  # in component order, whatever order given
        ({1: [1, 1], 2: []}, {1: 1.0, 2: None}),
        ({6: [3, 2, 3]}, {6: pytest.approx(8 / 3)}),
    ],
)
def test_component_averages(by_component, expected):
    result = component_averages(by_component)
    assert result == expected
    assert list(result) == sorted(expected)


@pytest.mark.parametrize(
    ("avg", "low"),
    [(None, False), (0.0, True), (1.0, True), (1.99, True), (2.0, False), (2.5, False), (4.0, False)],
)
def test_low_is_an_average_below_2(avg, low):
    assert is_low(avg) is low


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (0, 0),
        (4, 4),
        ("3", 3),
        (" 2 ", 2),
        (5, None),
        (-1, None),
        ("-1", None),
        ("4.0", None),
        ("two", None),
        ("", None),
        (None, None),
        (True, None),  # a boolean is not a score
        (2.5, None),
    ],
)
def test_parse_score(raw, expected):
    assert parse_score(raw) == expected


# --- The guide's words as data ------------------------------------------------------------------------


def test_the_data_has_six_components_and_twenty_one_indicators_each_with_five_descriptors():
    assert [c["number"] for c in COMPONENTS] == [1, 2, 3, 4, 5, 6]
    assert sum(len(c["indicators"]) for c in COMPONENTS) == 21
    assert all(len(i["descriptors"]) == 5 for c in COMPONENTS for i in c["indicators"])
    assert SCALE[0] == "Indicator not in place"
    assert sorted(CHAPTERS) == [1, 2, 3, 4, 5, 6]


@pytest.mark.skipif(not SEED.exists(), reason="the seed text is not here (../shared)")
def test_the_data_modules_match_the_seed_text():
    """Regenerate with `python -m surveys.assessment_source <seed file>` if this fails."""
    text = SEED.read_text(encoding="utf-8")
    assert assessment_source.scale(text) == SCALE
    assert assessment_source.components(text) == COMPONENTS
    assert assessment_source.chapters(text) == CHAPTERS


def test_inline_marks():
    assert assessment_source.inline("**I**nform victims") == [("strong", "I"), ("", "nform victims")]
    assert assessment_source.inline("See [www.x.uk](http://www.x.uk) and *A Title*<sup>3</sup>") == [
        ("", "See www.x.uk and "),
        ("em", "A Title"),
        ("sup", "3"),
    ]


@pytest.mark.django_db
def test_the_migration_loads_the_indicators_in_the_guides_words():
    assert AssessmentComponent.objects.count() == 6
    assert AssessmentIndicator.objects.count() == 21
    c2 = AssessmentComponent.objects.get(number=2)
    assert c2.name == "Deliver a personalised service"
    assert c2.pages == "18–26"
    ind = AssessmentIndicator.objects.get(code="2.7")
    assert ind.component == c2
    assert ind.name.startswith("Empower victims (giving victims the opportunity")
    assert ind.descriptors[0] == "We do not do work on this aspect."
    assert ind.descriptor_2 == "We have tools/processes in place but there is no monitoring in place."


# --- Recording ---------------------------------------------------------------------------------------


def scores(default: int = 2, **by_code: int) -> dict[int, int]:
    """Every indicator scored `default`, except those named like c1_1=0 (indicator 1.1)."""
    named = {k[1:].replace("_", "."): v for k, v in by_code.items()}
    return {
        pk: named.get(code, default) for code, pk in AssessmentIndicator.objects.values_list("code", "pk")
    }


@pytest.mark.django_db
def test_an_analyst_records_a_force_assessment(analyst):
    a = assessment_record(by=analyst, bcu=None, title=" Force, spring ", scores=scores(3, c1_1=0), now=NOW)
    assert (a.bcu, a.title, a.assessed_at, a.assessed_by) == (None, "Force, spring", NOW, analyst)
    assert a.scores.count() == 21
    assert a.scores.get(indicator__code="1.1").score == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field_words"),
    [
        (lambda s: s.pop(next(iter(s))), "Choose a score for 1.1"),
        (lambda s: s.update({next(iter(s)): 5}), "must be a whole number from 0 to 4"),
        (lambda s: s.update({next(iter(s)): -1}), "must be a whole number from 0 to 4"),
        (lambda s: s.update({next(iter(s)): "four"}), "must be a whole number from 0 to 4"),
        (lambda s: s.update({next(iter(s)): ""}), "Choose a score for 1.1"),
        (lambda s: s.update({999999: 2}), "indicators that do not exist"),
    ],
)
def test_bad_scores_are_refused_in_words_and_nothing_is_kept(analyst, change, field_words):
    given = scores(2)
    change(given)
    with pytest.raises(ValidationError) as e:
        assessment_record(by=analyst, bcu=None, title="Force", scores=given, now=NOW)
    assert field_words in " ".join(m for ms in e.value.message_dict.values() for m in ms)
    assert SelfAssessment.objects.count() == 0
    assert AssessmentScore.objects.count() == 0


@pytest.mark.django_db
def test_a_missing_title_is_refused(analyst):
    with pytest.raises(ValidationError) as e:
        assessment_record(by=analyst, bcu=None, title="  ", scores=scores(2), now=NOW)
    assert "Enter a title" in e.value.message_dict["title"][0]
    assert SelfAssessment.objects.count() == 0


@pytest.mark.django_db
def test_who_may_record_for_which_area(org, inspector, supervisor, officer, partner, admin_user, analyst):
    north, south = org["bcu_a"], org["bcu_b"]
    allowed = [(inspector, north), (analyst, None), (analyst, south), (admin_user, None), (admin_user, north)]
    refused = [
        (inspector, south),  # not their BCU
        (inspector, None),  # the force is for analysts and administrators
        (supervisor, north),  # supervisors read only
        (officer, north),
        (partner, None),
    ]
    for user, bcu in allowed:
        assessment_record(by=user, bcu=bcu, title="Allowed", scores=scores(2), now=NOW)
    for user, bcu in refused:
        with pytest.raises(ValidationError) as e:
            assessment_record(by=user, bcu=bcu, title="Refused", scores=scores(2), now=NOW)
        assert "You cannot make a self-assessment for" in e.value.message_dict["area"][0]
    assert SelfAssessment.objects.filter(title="Refused").count() == 0
    assert SelfAssessment.objects.filter(title="Allowed").count() == len(allowed)


# --- Pages -------------------------------------------------------------------------------------------

LIST = reverse("self_assessment:list")
NEW = reverse("self_assessment:new")


def detail(a) -> str:
    return reverse("self_assessment:detail", kwargs={"pk": a.pk})


@pytest.fixture
def made(org, analyst):
    """A force assessment and one of each BCU."""
    return {
        "force": assessment_record(by=analyst, bcu=None, title="Force 2027", scores=scores(2), now=NOW),
        "north": assessment_record(
            by=analyst, bcu=org["bcu_a"], title="North 2027", scores=scores(2), now=NOW
        ),
        "south": assessment_record(
            by=analyst, bcu=org["bcu_b"], title="South 2027", scores=scores(2), now=NOW
        ),
    }


@pytest.mark.django_db
def test_officers_partners_and_strangers_cannot_see_any(make_client, made, officer, partner):
    for user in (officer, partner):
        c = make_client(user)
        for url in (LIST, NEW, detail(made["force"]), reverse("self_assessment:guidance", args=[1])):
            assert c.get(url).status_code == 403, (user.role, url)
        assert c.post(NEW, {"title": "x", "area": "force"}).status_code == 403
    anonymous = make_client(None)
    response = anonymous.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert anonymous.get(detail(made["force"])).status_code == 302
    assert SelfAssessment.objects.count() == 3


@pytest.mark.django_db
def test_each_reader_sees_the_force_and_their_own_bcus(
    make_client, made, org, inspector, supervisor, analyst
):
    expect = {
        analyst: {"Force 2027", "North 2027", "South 2027"},
        inspector: {"Force 2027", "North 2027"},
        supervisor: {"Force 2027", "North 2027"},  # their team is in North BCU
    }
    for user, titles in expect.items():
        page = make_client(user).get(LIST).content.decode()
        assert {t for t in ("Force 2027", "North 2027", "South 2027") if t in page} == titles, user.role


@pytest.mark.django_db
def test_an_inspector_cannot_open_or_make_another_bcus(make_client, made, org, inspector):
    c = make_client(inspector)
    assert c.get(detail(made["north"])).status_code == 200
    assert c.get(detail(made["force"])).status_code == 200
    # Another BCU's assessment is "not found", like one that does not exist.
    assert c.get(detail(made["south"])).status_code == 404
    assert c.get(reverse("self_assessment:detail", kwargs={"pk": 99999})).status_code == 404
    form = c.get(NEW).content.decode()
    assert "North BCU" in form and "South BCU" not in form and "The whole force" not in form
    data = {"title": "Sneaky", "area": str(org["bcu_b"].pk)}
    data.update({f"score_{pk}": "2" for pk in scores(2)})
    response = c.post(NEW, data)
    assert response.status_code == 400
    assert "Choose the whole force or one of the BCUs listed" in response.content.decode()
    assert not SelfAssessment.objects.filter(title="Sneaky").exists()


@pytest.mark.django_db
def test_supervisors_read_but_do_not_make(make_client, made, supervisor):
    c = make_client(supervisor)
    assert c.get(detail(made["north"])).status_code == 200
    assert "Start a new self-assessment" not in c.get(LIST).content.decode()
    assert c.get(NEW).status_code == 403
    assert c.post(NEW, {"title": "x", "area": "force"}).status_code == 403


@pytest.mark.django_db
def test_the_list_page_reads_a_fixed_number_of_queries(
    make_client, made, analyst, org, django_assert_max_num_queries
):
    for k in range(10):
        assessment_record(by=analyst, bcu=org["bcu_a"], title=f"More {k}", scores=scores(1), now=NOW)
    c = make_client(analyst)
    with django_assert_max_num_queries(12):
        assert c.get(LIST).status_code == 200


@pytest.mark.django_db
def test_the_form_shows_every_indicator_with_its_descriptors(make_client, analyst):
    page = make_client(analyst).get(NEW).content.decode()
    for c in COMPONENTS:
        for ind in c["indicators"]:
            assert f"{ind['code']} " in page
            for words in ind["descriptors"]:
                assert words.replace("'", "&#x27;") in page
    assert page.count('type="radio"') == 21 * 5 + 3  # and the area: the force and the two BCUs


@pytest.mark.django_db
def test_a_form_with_scores_missing_says_which_in_the_error_summary(make_client, analyst):
    ids = scores(2)
    first, *rest = ids
    data = {"title": "", "area": "force", **{f"score_{pk}": "3" for pk in rest}}
    response = make_client(analyst).post(NEW, data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "govuk-error-summary" in page
    assert f'href="#id_score_{first}"' in page
    assert "Choose a score for 1.1" in page
    assert "Enter a title" in page
    assert re.search(rf'id="id_score_{rest[0]}-3"[^>]*checked>', page)  # the answers given are kept
    assert SelfAssessment.objects.count() == 0


@pytest.mark.django_db
def test_an_analyst_saves_from_the_form(make_client, analyst, org):
    data = {"title": "North, after training", "area": str(org["bcu_a"].pk), "notes": "Good year"}
    data.update({f"score_{pk}": "3" for pk in scores(2)})
    response = make_client(analyst).post(NEW, data)
    a = SelfAssessment.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(a)
    assert (a.bcu, a.notes, a.scores.count()) == (org["bcu_a"], "Good year", 21)


@pytest.mark.django_db
def test_the_chart_draws_one_polygon_per_assessment_shown(make_client, analyst, org):
    c = make_client(analyst)
    first = assessment_record(by=analyst, bcu=None, title="Year 1", scores=scores(1), now=NOW)
    page = c.get(detail(first)).content.decode()
    assert page.count("<polygon") == 1
    assert "no earlier self-assessment" in page
    second = assessment_record(
        by=analyst, bcu=None, title="Year 2", scores=scores(2), now=NOW + timedelta(days=365)
    )
    third = assessment_record(
        by=analyst, bcu=None, title="Year 3", scores=scores(3), now=NOW + timedelta(days=730)
    )
    fourth = assessment_record(
        by=analyst, bcu=None, title="Year 4", scores=scores(4), now=NOW + timedelta(days=1095)
    )
    # Another BCU's assessment never joins the force's comparison.
    assessment_record(
        by=analyst, bcu=org["bcu_a"], title="North", scores=scores(0), now=NOW + timedelta(days=1)
    )
    assert c.get(detail(second)).content.decode().count("<polygon") == 2
    page = c.get(detail(fourth)).content.decode()
    assert page.count("<polygon") == 3  # this one and the two before it
    assert "Year 3" in page and "Year 2" in page and "Year 1 (" not in page and "North" not in page
    assert page.count('class="vc-chart__key"') == 3
    assert third.title in page


@pytest.mark.django_db
def test_the_guidance_link_appears_only_for_low_components(make_client, analyst):
    # Component 1 averages 1.5 (low), component 3 exactly 2.0 (not low), the rest 3.
    a = assessment_record(
        by=analyst, bcu=None, title="Mixed", scores=scores(3, c1_1=1, c1_2=2, c3_1=2, c3_2=2), now=NOW
    )
    page = make_client(analyst).get(detail(a)).content.decode()
    assert reverse("self_assessment:guidance", args=[1]) in page
    for n in (2, 3, 4, 5, 6):
        assert reverse("self_assessment:guidance", args=[n]) not in page
    assert "Low" in page and "1.5" in page and "2.0" in page
    good = assessment_record(by=analyst, bcu=None, title="All good", scores=scores(4), now=NOW)
    page = make_client(analyst).get(detail(good)).content.decode()
    assert "/self-assessment/guidance/" not in page
    assert "No component scored low" in page


@pytest.mark.django_db
def test_the_guidance_page_shows_the_chapter(make_client, inspector):
    c = make_client(inspector)
    page = c.get(reverse("self_assessment:guidance", args=[2])).content.decode()
    assert "Deliver a personalised service" in page
    assert "2.7 Empower victims" in page
    assert "pages 18–26" in page
    page = c.get(reverse("self_assessment:guidance", args=[6])).content.decode()
    assert "Performance management (staff and corporate)" in page
    assert c.get(reverse("self_assessment:guidance", args=[7])).status_code == 404


@pytest.mark.django_db
def test_demo_assessments_are_a_year_apart_and_made_once(org):
    from victimcare.demo.assessments import seed_assessments

    UserFactory(email="someone@test.police.uk", role=Role.ANALYST, team=None)
    assert seed_assessments(NOW) == 2
    assert seed_assessments(NOW) == 0
    older, newer = SelfAssessment.objects.order_by("assessed_at")
    assert (newer.assessed_at - older.assessed_at).days == 365
    assert older.bcu is None and newer.bcu is None
    assert newer.scores.count() == 21
