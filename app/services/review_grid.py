"""Review grids as pure data: is a grid well formed, do answers fit it.

No database here: a grid is the ``sections`` JSON of a ``ReviewTemplate`` (as the schemas
shape it) and answers are ``{criterion_key: value}``. Both checks return the errors of a 422
problem (``loc``, ``msg``, ``type``), every error at once, so that a form can mark every bad
field in one round trip. Criterion keys are unique across the whole grid, not per section:
answers are one flat map."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

Error = dict[str, Any]


def _error(loc: Sequence[str | int], msg: str, type_: str) -> Error:
    return {"loc": list(loc), "msg": msg, "type": type_}


def _same(value: Any, allowed: Any) -> bool:
    # 1 and "1" are different scale values, and True is not 1 (bool is an int in Python).
    return type(value) is type(allowed) and value == allowed


def _in_scale(value: Any, scale: Sequence[Any]) -> bool:
    return any(_same(value, allowed) for allowed in scale)


def iter_criteria(sections: Sequence[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for section in sections:
        yield from section.get("criteria") or []


def normalised(sections: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every criterion with its ``scale`` and ``required`` (a PATCH body dumped with only its
    set fields leaves them out), so that stored grids all have one shape."""
    return [
        {
            **section,
            "criteria": [
                {"scale": [], "required": False, **criterion}
                for criterion in section.get("criteria") or []
            ],
        }
        for section in sections
    ]


def grid_errors(sections: Sequence[Mapping[str, Any]]) -> list[Error]:
    """Section keys unique; criterion keys unique across the grid; a ``scale`` criterion has a
    non-empty scale of distinct values; a ``text`` criterion has none."""
    errors: list[Error] = []
    section_keys: set[str] = set()
    criterion_keys: set[str] = set()
    for i, section in enumerate(sections):
        where: list[str | int] = ["body", "sections", i]
        if section["key"] in section_keys:
            errors.append(_error([*where, "key"], "Duplicate section key.", "duplicate_key"))
        section_keys.add(section["key"])
        for j, criterion in enumerate(section.get("criteria") or []):
            at = [*where, "criteria", j]
            if criterion["key"] in criterion_keys:
                errors.append(
                    _error(
                        [*at, "key"],
                        "Duplicate criterion key: keys are unique across the whole grid.",
                        "duplicate_key",
                    )
                )
            criterion_keys.add(criterion["key"])
            scale = criterion.get("scale") or []
            if criterion["type"] == "scale":
                if not scale:
                    errors.append(
                        _error([*at, "scale"], "A scale criterion needs its values.", "missing")
                    )
                elif any(_in_scale(v, scale[:n]) for n, v in enumerate(scale)):
                    errors.append(
                        _error([*at, "scale"], "Scale values must be distinct.", "duplicate_value")
                    )
            elif scale:
                errors.append(
                    _error([*at, "scale"], "A text criterion has no scale.", "unexpected_value")
                )
    return errors


def answer_errors(
    sections: Sequence[Mapping[str, Any]] | None, answers: Mapping[str, Any], *, complete: bool
) -> list[Error]:
    """Answers against the grid (``None``: no grid, so no answer is possible). With
    ``complete`` (the review is done), every required criterion must be answered."""
    by_key = {c["key"]: c for c in iter_criteria(sections or [])}
    errors: list[Error] = []
    for key, value in answers.items():
        loc = ["body", "answers", key]
        criterion = by_key.get(key)
        if criterion is None:
            msg = (
                "No such criterion in the review's grid."
                if sections is not None
                else ("The review has no grid (template_id): it cannot hold answers.")
            )
            errors.append(_error(loc, msg, "unknown_criterion"))
        elif criterion["type"] == "scale" and not _in_scale(value, criterion["scale"]):
            allowed = ", ".join(repr(v) for v in criterion["scale"])
            msg = f"Not a value of the scale: one of {allowed}."
            errors.append(_error(loc, msg, "not_in_scale"))
        elif criterion["type"] == "text" and not isinstance(value, str):
            errors.append(_error(loc, "A text criterion takes a string.", "string_expected"))
    if complete:
        for key, criterion in by_key.items():
            if criterion.get("required") and not _answered(answers.get(key)):
                errors.append(
                    _error(
                        ["body", "answers", key],
                        "Required: answer it before the review is done (done_on).",
                        "missing",
                    )
                )
    return errors


def _answered(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())
