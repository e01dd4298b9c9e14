"""The rapport formula on worked examples (docs/rapport.md shows the same numbers)."""

from datetime import UTC, datetime, timedelta

from goodwill.touchpoints.rapport import Touch, monthly, rapport

NOW = datetime(2026, 11, 22, 12, tzinfo=UTC)


def ago(days: int, kind: str = "call", theirs: bool = False) -> Touch:
    return Touch(occurred_at=NOW - timedelta(days=days), kind=kind, theirs=theirs)


def parts(result):
    return {part.name: part.points for part in result.parts}


def test_nobody_touched_scores_nothing():
    result = rapport([], now=NOW, cadence_days=30)
    assert result.score == 0
    assert parts(result) == {"Recency": 0, "Frequency": 0, "Depth": 0, "Reciprocity": 0}


def test_a_close_client_worked_example():
    """Monthly touches for a year, half of them theirs, with two meals and a home visit."""
    touches = [ago(30 * month + 5, "call", theirs=month % 2 == 0) for month in range(12)]
    touches += [ago(20, "meal"), ago(100, "meal"), ago(200, "visit_home")]
    result = rapport(touches, now=NOW, cadence_days=30)
    # Recency: last touch 5 days ago of a 60-day fade: 30 * (1 - 5/60) = 27.5, rounded to even: 28.
    # Frequency: 15 touches, 12.2 expected: full 25.
    # Depth: 12 calls (24) + 2 meals (12) + a home visit (10) = 46 weight: full 30.
    # Reciprocity: 6 of 15 theirs = 40 %, of the 50 % that fills it: 15 * 0.8 = 12.
    assert parts(result) == {"Recency": 28, "Frequency": 25, "Depth": 30, "Reciprocity": 12}
    assert result.score == 95


def test_a_neglected_client_worked_example():
    """Two e-mails, both ours, the last 50 days ago, on a 30-day cadence."""
    result = rapport([ago(50, "email"), ago(150, "email")], now=NOW, cadence_days=30)
    # Recency: 30 * (1 - 50/60) = 5. Frequency: 25 * 2/12.17 = 4.1 → 4.
    # Depth: 2 of 30 weight points: 2. Reciprocity: 0 of 2 theirs: 0.
    assert parts(result) == {"Recency": 5, "Frequency": 4, "Depth": 2, "Reciprocity": 0}
    assert result.score == 11


def test_touches_older_than_a_year_and_in_the_future_do_not_count():
    assert rapport([ago(400, "visit_home"), ago(-3, "meal")], now=NOW, cadence_days=30).score == 0


def test_a_gift_for_their_child_adds_depth():
    plain = rapport([ago(10, "call")], now=NOW, cadence_days=30)
    remembered = rapport([ago(10, "call")], now=NOW, cadence_days=30, circle_gifts=1)
    assert parts(remembered)["Depth"] - parts(plain)["Depth"] == 5
    assert "1 gift for their family" in remembered.parts[2].why


def test_the_monthly_chart_rises_with_new_touches():
    touches = [ago(300, "meal"), ago(100, "call", theirs=True), ago(10, "visit_home")]
    chart = monthly(touches, now=NOW, cadence_days=30)
    assert len(chart) == 12
    assert chart[-1][0] == NOW
    assert chart[-1][1] > chart[0][1]
    assert all(0 <= score <= 100 for _, score in chart)
