"""Turn model validation errors into contributor-friendly `path:line: message` problems."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from kb.model.problems import Problem
from kb.model.yamlio import YamlDoc

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], doc: YamlDoc, path: str, default_line: int = 1,
             languages: tuple[str, ...] = ()) -> tuple[M | None, list[Problem]]:
    problems = [
        Problem(path, line, f"'{key}' appears twice: keep one, or the first value is silently lost")
        for key, line in doc.duplicates
    ]
    value, more = validate_at(model, doc, path, (), default_line, languages)
    return value, problems + more


def validate_at(
    model: type[M], doc: YamlDoc, path: str, at: tuple, default_line: int = 1, languages: tuple[str, ...] = ()
) -> tuple[M | None, list[Problem]]:
    """Validate the part of doc at loc `at`; messages name the full path (e.g. contacts.3.email).
    Labels must have a text in each of `languages` (the site's)."""
    data = doc.data
    for part in at:
        data = data[part]
    if not isinstance(data, dict):
        return None, [Problem(path, doc.line_of(at, default_line), "expected 'key: value' lines here")]
    try:
        return model.model_validate(data, context={"languages": languages}), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(error["loc"])
            if error["type"] == "language_missing":  # reported where the missing language's line would be
                loc += (error["ctx"]["lang"],)
            line = doc.line_of(at + loc, default_line)
            problems.append(Problem(path, line, _message(model, loc, error, at)))
        return None, problems


def validate_items(model: type[M], doc: YamlDoc, path: str, key: str,
                   languages: tuple[str, ...] = ()) -> tuple[list[tuple[int, M]], list[Problem]]:
    """A file holding `key:` with a list: each item validated on its own, so one bad entry
    neither hides the others' problems nor keeps the good ones from being checked further."""
    problems = [
        Problem(path, line, f"'{name}' appears twice: keep one, or the first value is silently lost")
        for name, line in doc.duplicates
    ]
    data = doc.data
    if not isinstance(data, dict) or not isinstance(data.get(key), list) or not data[key]:
        problems.append(Problem(path, 1, f"expected '{key}:' followed by a list of entries"))
        return [], problems
    """(position in the file's list, item) for every valid item, and every problem."""
    unknown = sorted(set(data) - {key})
    problems += [Problem(path, doc.line_of((name,)), f"unknown field '{name}': only '{key}:' belongs here")
                 for name in unknown]
    items = []
    for index in range(len(data[key])):
        value, more = validate_at(model, doc, path, (key, index), 1, languages)
        problems += more
        if value is not None:
            items.append((index, value))
    return items, problems


def _field_name(loc: tuple) -> str:
    return ".".join(str(x) for x in loc) if loc else "(top level)"


def _message(model: type[BaseModel], loc: tuple, error: dict, at: tuple = ()) -> str:
    name = _field_name(at + loc)
    kind = error["type"]
    value = error.get("input")
    if kind in ("missing", "language_missing"):
        help_text = _description(model, loc)
        return f"'{name}' is missing: add it{f' ({help_text[0].lower()}{help_text[1:]})' if help_text else ''}"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        hint = f"; allowed here: {', '.join(allowed)}" if allowed else ""
        return f"unknown field '{name}': remove it or correct the spelling{hint}"
    if kind == "value_error":
        reason = str(error.get("ctx", {}).get("error") or error["msg"])
        return f"'{name}': {reason}" if loc else reason
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return f"'{name}' is '{value}': use one of {expected}"
    if value is None or value == "" or value == []:
        return f"'{name}' is empty: fill it in"
    if kind == "string_type":
        return f"'{name}' should be text: put the value in quotes if it looks like a number or a date"
    if kind in ("string_too_short", "too_short"):
        return f"'{name}' is empty: fill it in"
    if kind == "string_pattern_mismatch":
        return f"'{name}' is '{value}', which has the wrong form: {_pattern_hint(loc)}"
    if kind in ("list_type",):
        return f"'{name}' should be a list: write each item on its own line starting with '- '"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"'{name}' should be a group of 'key: value' lines, indented under it"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"'{name}' is '{value}': it should be a whole number"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"'{name}' is {value}: {error['msg'].lower()}"
    if kind in ("bool_type", "bool_parsing"):
        return f"'{name}' is '{value}': use true or false"
    return f"'{name}': {error['msg']}"


_PATTERN_HINTS = {
    "url": "a full address starting with https://",
    "web": "a full address starting with https://",
    "sfs": "an SFS number such as 1962:700",
    "section": "a section number such as 11 or 1 a",
    "source_revision": "the 12-character revision that `kb translations` prints",
}


def _pattern_hint(loc: tuple) -> str:
    last = next((x for x in reversed(loc) if isinstance(x, str)), "")
    return _PATTERN_HINTS.get(last, "an id in lower case letters, digits and hyphens, e.g. skydd-och-stod")


def _sub_model(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _model_in(field.annotation)
    return current


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found:
            return found
    return None


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    sub = _sub_model(model, loc)
    return sorted(sub.model_fields) if sub else []


def _description(model: type[BaseModel], loc: tuple) -> str:
    sub = _sub_model(model, loc[:-1])
    if sub and loc and isinstance(loc[-1], str) and loc[-1] in sub.model_fields:
        return sub.model_fields[loc[-1]].description or ""
    return ""
