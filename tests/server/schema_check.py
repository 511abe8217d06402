"""A small JSON Schema checker (the subset docs/protocol/schema.json uses: type, const,
enum, required, properties, additionalProperties, items, oneOf, $ref, pattern,
minimum/maximum, minLength/maxLength), so the tests can hold the server to its schema
without another dependency."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "protocol" / "schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def errors(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    if "$ref" in schema:
        target: Any = SCHEMA
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        return errors(value, target, path)
    out: list[str] = []
    if "oneOf" in schema:
        ok = [s for s in schema["oneOf"] if not errors(value, s, path)]
        if len(ok) != 1:
            out.append(f"{path}: matches {len(ok)} of oneOf")
        if len(schema) == 1:
            return out
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        if not any(_is(value, k) for k in kinds):
            return [*out, f"{path}: {value!r:.60} is not {kinds}"]
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} != {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            out.append(f"{path}: {value!r} does not match {schema['pattern']}")
        if len(value) > schema.get("maxLength", 1 << 30) or len(value) < schema.get("minLength", 0):
            out.append(f"{path}: bad length")
    lo, hi = schema.get("minimum", float("-inf")), schema.get("maximum", float("inf"))
    if _is(value, "number") and not lo <= value <= hi:
        out.append(f"{path}: {value} out of range")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            out += [f"{path}: unexpected {k}" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                out += errors(v, props[k], f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, v in enumerate(value):
            out += errors(v, schema["items"], f"{path}[{i}]")
    return out


def check_server(message: dict[str, Any]) -> list[str]:
    return errors(message, {"$ref": "#/$defs/server"})


def check_client(message: dict[str, Any]) -> list[str]:
    return errors(message, {"$ref": "#/$defs/client"})
