"""String functions, including the deterministic hashes `uniqueString` and `guid`."""

from __future__ import annotations

import json
import re
import urllib.parse
from typing import Any

from linter.inputs.arm import hashing
from linter.inputs.arm.functions.core import EvalError, check_chars, expect, register, to_string
from linter.model import Unknown


@register("string", min_args=1, max_args=1)
def string(env: Any, value: Any) -> str:
    return to_string(value)


@register("toLower", min_args=1, max_args=1)
def to_lower(env: Any, value: Any) -> str:
    return to_string(value).lower()


@register("toUpper", min_args=1, max_args=1)
def to_upper(env: Any, value: Any) -> str:
    return to_string(value).upper()


@register("trim", min_args=1, max_args=1)
def trim(env: Any, value: Any) -> str:
    return expect(value, str, "trim").strip()


@register("startsWith", min_args=2, max_args=2)
def starts_with(env: Any, value: Any, prefix: Any) -> bool:
    return expect(value, str, "startsWith").lower().startswith(expect(prefix, str, "startsWith").lower())


@register("endsWith", min_args=2, max_args=2)
def ends_with(env: Any, value: Any, suffix: Any) -> bool:
    return expect(value, str, "endsWith").lower().endswith(expect(suffix, str, "endsWith").lower())


@register("replace", min_args=3, max_args=3)
def replace(env: Any, value: Any, old: Any, new: Any) -> str:
    old_text = expect(old, str, "replace")
    if not old_text:
        raise EvalError("replace() cannot replace an empty string")
    text, new_text = expect(value, str, "replace"), to_string(new)
    if len(new_text) > len(old_text):
        check_chars(len(text) + text.count(old_text) * (len(new_text) - len(old_text)), "replace")
    return text.replace(old_text, new_text)


@register("split", min_args=2, max_args=2)
def split(env: Any, value: Any, delimiters: Any) -> list[str]:
    text = expect(value, str, "split")
    if isinstance(delimiters, str):
        return text.split(delimiters) if delimiters else [text]
    parts = [expect(d, str, "split") for d in expect(delimiters, list, "split") if d]
    if not parts:
        return [text]
    return re.split("|".join(re.escape(p) for p in parts), text)


@register("join", min_args=2, max_args=2)
def join(env: Any, values: Any, delimiter: Any) -> str:
    separator, items = expect(delimiter, str, "join"), expect(values, list, "join")
    check_chars(len(separator) * max(len(items) - 1, 0), "join")
    return separator.join(to_string(v) for v in items)


@register("substring", min_args=1, max_args=3)
def substring(env: Any, value: Any, start: Any = 0, length: Any = None) -> str:
    text = expect(value, str, "substring")
    expect(start, int, "substring")
    if length is None:
        length = len(text) - start
    expect(length, int, "substring")
    if start < 0 or length < 0 or start + length > len(text):
        raise EvalError(f"substring({start}, {length}) is outside a string of length {len(text)}")
    return text[start:start + length]


@register("padLeft", min_args=2, max_args=3)
def pad_left(env: Any, value: Any, total: Any, pad: Any = " ") -> str:
    expect(total, int, "padLeft")
    check_chars(total, "padLeft")
    pad_char = expect(pad, str, "padLeft")[:1] or " "
    return to_string(value).rjust(total, pad_char)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::([^}]*))?\}")


def _format_value(value: Any, spec: str | None) -> str:
    if spec and isinstance(value, (int, float)) and not isinstance(value, bool):
        code, digits = spec[:1].upper(), spec[1:]
        if digits.isdigit():
            check_chars(int(digits), "format")
        if code == "D" and isinstance(value, int):
            return str(value).zfill(int(digits or 0))
        if code == "X" and isinstance(value, int):
            text = format(value, "x" if spec[0] == "x" else "X")
            return text.zfill(int(digits or 0))
        if code in ("N", "F"):
            places = int(digits) if digits else 2
            return f"{value:,.{places}f}" if code == "N" else f"{value:.{places}f}"
        if set(spec) <= {"0", "#"}:
            check_chars(len(spec), "format")
            return str(value).zfill(spec.count("0"))
    return to_string(value)


@register("format", min_args=1)
def format_(env: Any, template: Any, *args: Any) -> str:
    """.NET composite formatting: `{0}`, `{1:D3}`, `{{` and `}}` as braces."""
    text = expect(template, str, "format")

    def substitute(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        position = int(match.group(1))
        if position >= len(args):
            raise EvalError(f"format() has no argument {position}")
        formatted = _format_value(args[position], match.group(3))
        width = int(match.group(2) or 0)
        check_chars(abs(width), "format")
        return formatted.rjust(width) if width > 0 else formatted.ljust(-width)

    result = _FORMAT_ITEM.sub(substitute, text)
    check_chars(len(result), "format")
    return result


@register("base64", min_args=1, max_args=1)
def base64_(env: Any, value: Any) -> str:
    text = expect(value, str, "base64")
    check_chars(len(text) * 4 // 3 * 4, "base64")  # up to 4 UTF-8 bytes a character, 4/3 as base64
    import base64  # here: the base64 functions are rare in templates, and every scan would import it

    return base64.b64encode(text.encode()).decode()


@register("base64ToString", min_args=1, max_args=1)
def base64_to_string(env: Any, value: Any) -> str:
    import base64

    return base64.b64decode(expect(value, str, "base64ToString")).decode("utf-8")


@register("base64ToJson", min_args=1, max_args=1)
def base64_to_json(env: Any, value: Any) -> Any:
    return json.loads(base64_to_string(env, value))


@register("dataUri", min_args=1, max_args=1)
def data_uri(env: Any, value: Any) -> str:
    return "data:text/plain;charset=utf8;base64," + base64_(env, to_string(value))


@register("dataUriToString", min_args=1, max_args=1)
def data_uri_to_string(env: Any, value: Any) -> str:
    text = expect(value, str, "dataUriToString")
    header, _, payload = text.partition(",")
    if ";base64" in header:
        import base64

        return base64.b64decode(payload).decode("utf-8")
    return urllib.parse.unquote(payload)


@register("uri", min_args=2, max_args=2)
def uri(env: Any, base: Any, relative: Any) -> str:
    return urllib.parse.urljoin(expect(base, str, "uri"), expect(relative, str, "uri"))


@register("uriComponent", min_args=1, max_args=1)
def uri_component(env: Any, value: Any) -> str:
    text = expect(value, str, "uriComponent")
    check_chars(len(text) * 12, "uriComponent")  # a character may become four %XX escapes
    return urllib.parse.quote(text, safe="-_.!~*'()")


@register("uriComponentToString", min_args=1, max_args=1)
def uri_component_to_string(env: Any, value: Any) -> str:
    return urllib.parse.unquote(expect(value, str, "uriComponentToString"))


def _hash_input(function: str, args: tuple[Any, ...]) -> str | Unknown:
    texts = [expect(a, str, function) for a in args]
    placeholder = next((t for t in texts if hashing.has_placeholder(t)), None)
    if placeholder is not None:
        return Unknown(
            f"{function}() hashes the deployment's subscription or resource group, which is not configured; "
            "set the deployment's subscription and resourceGroup in drlint.yaml"
        )
    return "-".join(texts)


@register("uniqueString", min_args=1)
def unique_string(env: Any, *args: Any) -> Any:
    text = _hash_input("uniqueString", args)
    return text if isinstance(text, Unknown) else hashing.unique_string(text)


@register("guid", min_args=1)
def guid(env: Any, *args: Any) -> Any:
    text = _hash_input("guid", args)
    return text if isinstance(text, Unknown) else hashing.guid(text)


@register("newGuid", max_args=0)
def new_guid(env: Any) -> Unknown:
    return Unknown("newGuid() returns a new value at every deployment", source="newGuid()")
