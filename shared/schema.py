"""The error answers every API operation can give, documented once for the whole schema.

PRODUCT.md's contract: 400 with field errors, 401 unauthenticated, 403 wrong role, 404
unknown, 409 conflicting state change. Views document their successes (and 409 where a state
change can conflict); this drf-spectacular postprocessing hook adds the rest to each operation
from what the operation has, so no view can forget one:

- 400 when it reads a request body or query parameters (bad input),
- 401 and 403 when it needs a signed-in caller (every API operation does),
- 404 when its path names an object (`{id}`, `{username}`, `{figure}`),
- 429 when its view has throttles (every API view: DEFAULT_THROTTLE_CLASSES).

Every 4xx answer gets a JSON body schema: `Error` (`{"detail": ...}`) or, for 400,
`FieldErrors` (field name -> messages, as DRF and `triage.apis.exception_handler` answer).
"""

from __future__ import annotations

import re
from typing import Any

ERROR = {
    "type": "object",
    "description": "What went wrong, for people.",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Field name -> list of messages (nested like the body for lists and objects); "
        "`non_field_errors` for the body as a whole; only `detail` when the body is not JSON."
    ),
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": {"oneOf": [{"type": "array"}, {"type": "object"}]},
}
DESCRIPTIONS = {
    "400": "Bad input: the messages name each field that was wrong.",
    "401": "No valid credentials: send `Authorization: Token <key>` or sign in.",
    "403": "Your role may not do this.",
    "404": "No such object, or not one you may see.",
    "409": "The change does not fit the object's current state.",
    "429": "Too many requests: wait and retry.",
}


def _shape(path: str) -> str:
    """Return the path with its parameter names blanked: `{pk}` and `{id}` name the same slot."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def _ref(name: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}}}


def _throttled(view_class: type | None) -> bool:
    """Return whether the view limits its callers (its own throttles or DRF's defaults)."""
    return bool(view_class is not None and getattr(view_class, "throttle_classes", None))


def _codes_for(path: str, operation: dict[str, Any], view_class: type | None) -> list[str]:
    """Return the error status codes this operation can answer with."""
    codes = []
    parameters = operation.get("parameters", [])
    if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
        codes.append("400")
    if any(requirement for requirement in operation.get("security", [])):
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if _throttled(view_class):
        codes.append("429")
    return codes


def add_error_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """Postprocessing hook: document each operation's error answers with their JSON bodies."""
    views = {}
    for path, _regex, method, callback in generator.endpoints or ():
        views[(_shape(path), method.lower())] = getattr(callback, "cls", None)
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code in _codes_for(path, operation, views.get((_shape(path), method))):
                responses.setdefault(code, {"description": DESCRIPTIONS[code]})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response.update(_ref("FieldErrors" if code == "400" else "Error"))
    return result
