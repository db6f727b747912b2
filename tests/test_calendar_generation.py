"""The rules that make a cohort's days, without a database."""

from __future__ import annotations

from datetime import date, timedelta

from app.services.calendar_generation import Closure, Rhythm, generate, public_holidays

START, END = date(2026, 9, 1), date(2027, 8, 31)
MONDAY_TUESDAY = Rhythm(kind="weekly", cfa_weekdays=(0, 1))
# The French public holidays of the 2026-2027 school year (done-when of the calendar issue).
HOLIDAYS = {
    date(2026, 11, 1): "Toussaint",
    date(2026, 11, 11): "Armistice",
    date(2026, 12, 25): "Noël",
    date(2027, 1, 1): "Jour de l'an",
    date(2027, 3, 29): "Lundi de Pâques",
    date(2027, 5, 1): "Fête du Travail",
    date(2027, 5, 6): "Ascension",
    date(2027, 5, 8): "Fête de la Victoire",
    date(2027, 5, 17): "Lundi de Pentecôte",
    date(2027, 7, 14): "Fête nationale",
    date(2027, 8, 15): "Assomption",
}


def kinds(rhythm: Rhythm, start: date = START, end: date = END) -> dict[date, str]:
    return {d.day: d.kind for d in generate(rhythm, start, end)}


def test_two_days_three_days_never_puts_a_cfa_day_on_a_public_holiday() -> None:
    generated = {d.day: d for d in generate(MONDAY_TUESDAY, START, END)}
    assert len(generated) == 365
    for day, name in HOLIDAYS.items():
        assert generated[day].kind == "off", day
        assert generated[day].note == f"Jour férié : {name}"
    # Easter Monday and Whit Monday would have been CFA days.
    assert date(2027, 3, 29).weekday() == 0 and date(2027, 5, 17).weekday() == 0
    assert generated[date(2026, 9, 7)].kind == "cfa"  # a Monday
    assert generated[date(2026, 9, 8)].kind == "cfa"  # a Tuesday
    assert [generated[date(2026, 9, d)].kind for d in (9, 10, 11)] == ["company"] * 3
    assert [generated[date(2026, 9, d)].kind for d in (12, 13)] == ["off", "off"]
    mondays_tuesdays = [
        START + timedelta(days=n) for n in range(365) if (START + timedelta(days=n)).weekday() < 2
    ]
    cfa = [d for d, g in generated.items() if g.kind == "cfa"]
    assert len(cfa) == len([d for d in mondays_tuesdays if d not in HOLIDAYS]) == 103


def test_alsace_moselle_adds_good_friday_and_st_stephen() -> None:
    metropole = public_holidays("metropole", START, END)
    alsace = public_holidays("alsace_moselle", START, END)
    extra = {d for d in set(alsace) - set(metropole) if START <= d <= END}
    assert extra == {date(2026, 12, 26), date(2027, 3, 26)}
    # Friday and Saturday classes: those two days are CFA days only outside Alsace-Moselle.
    rhythm = Rhythm(kind="weekly", cfa_weekdays=(4, 5))
    here = kinds(rhythm)
    there = kinds(Rhythm(kind="weekly", cfa_weekdays=(4, 5), holiday_zone="alsace_moselle"))
    for day in (date(2026, 12, 26), date(2027, 3, 26)):
        assert here[day] == "cfa" and there[day] == "off"
    assert {d for d in here if here[d] != there[d]} == {date(2026, 12, 26), date(2027, 3, 26)}


def test_closures_are_off_with_their_label() -> None:
    closure = Closure(date(2026, 12, 21), date(2027, 1, 3), "Vacances de Noël")
    rhythm = Rhythm(kind="weekly", cfa_weekdays=(0, 1), closures=(closure,))
    generated = {d.day: d for d in generate(rhythm, START, END)}
    for offset in range(14):
        day = date(2026, 12, 21) + timedelta(days=offset)
        assert generated[day].kind == "off"
        # A public holiday inside a closure keeps the holiday's name.
        if day not in HOLIDAYS:
            assert generated[day].note == "Vacances de Noël"
    assert generated[date(2027, 1, 4)].kind == "cfa"


def test_a_one_in_four_cycle_alternates_from_its_anchor_both_ways() -> None:
    anchor = date(2026, 8, 31)  # a Monday
    rhythm = Rhythm(
        kind="cycle", cycle=("cfa", "company", "company", "company"), cycle_anchor=anchor
    )
    generated = kinds(rhythm, date(2026, 8, 3), date(2026, 11, 1))
    week_kinds = []
    for week in range(13):
        monday = date(2026, 8, 3) + timedelta(weeks=week)
        week_kinds.append(generated[monday + timedelta(days=2)])  # the Wednesday
        assert generated[monday + timedelta(days=5)] == "off"  # weekends stay off
    assert week_kinds == ["cfa", "company", "company", "company"] * 3 + ["cfa"]
    cfa_week = [generated[date(2026, 8, 31) + timedelta(days=n)] for n in range(7)]
    assert cfa_week == ["cfa"] * 5 + ["off", "off"]


def test_a_cycle_may_keep_some_weekdays_of_its_cfa_weeks_in_company() -> None:
    rhythm = Rhythm(
        kind="cycle",
        cycle=("cfa", "company"),
        cycle_anchor=date(2026, 8, 31),
        cfa_weekdays=(0, 1, 2, 3),
    )
    generated = kinds(rhythm, date(2026, 8, 31), date(2026, 9, 13))
    first = [generated[date(2026, 8, 31) + timedelta(days=n)] for n in range(7)]
    second = [generated[date(2026, 9, 7) + timedelta(days=n)] for n in range(7)]
    assert first == ["cfa"] * 4 + ["company", "off", "off"]
    assert second == ["company"] * 5 + ["off", "off"]


def test_generation_is_empty_for_an_inverted_range_and_stored_rhythms_read_back() -> None:
    assert generate(MONDAY_TUESDAY, END, START) == []
    stored = Rhythm.from_stored(
        "weekly",
        [2],
        [],
        None,
        [{"from": "2026-09-02", "to": "2026-09-02", "label": ""}],
        "metropole",
    )
    generated = {d.day: d for d in generate(stored, date(2026, 9, 2), date(2026, 9, 9))}
    assert generated[date(2026, 9, 2)].kind == "off"
    assert generated[date(2026, 9, 2)].note == "Fermeture"
    assert generated[date(2026, 9, 9)].kind == "cfa"
