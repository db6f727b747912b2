"""Grids and answers as pure data: every error at once, each naming its field."""

from __future__ import annotations

from typing import Any

from app.services.review_grid import answer_errors, grid_errors
from tests.helpers_reviews import COMPLETE, grid

SECTIONS: list[dict[str, Any]] = grid()["sections"]


def locs(errors: list[dict[str, Any]]) -> list[list[Any]]:
    return [e["loc"] for e in errors]


def criterion(key: str, type_: str = "scale", scale: list[Any] | None = None) -> dict[str, Any]:
    return {"key": key, "label": key, "type": type_, "scale": scale or [], "required": False}


def test_a_well_formed_grid_has_no_errors() -> None:
    assert grid_errors(SECTIONS) == []


def test_keys_unique_and_scales_consistent() -> None:
    sections = [
        {"key": "a", "title": "A", "criteria": [criterion("x", scale=[1, 2])]},
        {
            "key": "a",  # duplicate section key
            "title": "B",
            "criteria": [
                criterion("x", scale=[1]),  # duplicate criterion key across sections
                criterion("empty_scale"),
                criterion("text_with_scale", "text", ["a"]),
                criterion("twice", scale=["ok", "ok"]),
                criterion("int_and_str", scale=[1, "1"]),  # distinct values: fine
            ],
        },
    ]
    assert locs(grid_errors(sections)) == [
        ["body", "sections", 1, "key"],
        ["body", "sections", 1, "criteria", 0, "key"],
        ["body", "sections", 1, "criteria", 1, "scale"],
        ["body", "sections", 1, "criteria", 2, "scale"],
        ["body", "sections", 1, "criteria", 3, "scale"],
    ]


def test_answers_inside_the_grid_pass_done_or_not() -> None:
    assert answer_errors(SECTIONS, COMPLETE, complete=True) == []
    assert answer_errors(SECTIONS, {"attitude": "excellent"}, complete=False) == []
    assert answer_errors(SECTIONS, {}, complete=False) == []


def test_each_answer_outside_the_grid_is_named() -> None:
    answers = {
        "punctuality": 5,  # not in the scale
        "attitude": "great",  # not in the scale
        "tutor_comment": 3,  # text expected
        "nope": "x",  # no such criterion
    }
    errors = answer_errors(SECTIONS, answers, complete=False)
    assert locs(errors) == [["body", "answers", key] for key in answers]
    assert [e["type"] for e in errors] == [
        "not_in_scale",
        "not_in_scale",
        "string_expected",
        "unknown_criterion",
    ]


def test_values_match_by_type_too() -> None:
    assert locs(answer_errors(SECTIONS, {"punctuality": "4"}, complete=False)) == [
        ["body", "answers", "punctuality"]
    ]
    assert locs(answer_errors(SECTIONS, {"punctuality": True}, complete=False)) == [
        ["body", "answers", "punctuality"]
    ]


def test_required_criteria_only_once_done() -> None:
    partial = {"attitude": "correct", "tutor_comment": "   "}
    assert answer_errors(SECTIONS, partial, complete=False) == []
    errors = answer_errors(SECTIONS, partial, complete=True)
    assert locs(errors) == [
        ["body", "answers", "punctuality"],
        ["body", "answers", "tutor_comment"],
    ]
    assert {e["type"] for e in errors} == {"missing"}


def test_without_a_grid_no_answer_fits() -> None:
    assert locs(answer_errors(None, {"x": 1}, complete=True)) == [["body", "answers", "x"]]
    assert answer_errors(None, {}, complete=True) == []
