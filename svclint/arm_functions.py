"""The ARM template function library, over plain Python values (Bicep shares the names).

Values are JSON-ish Python data (None, bool, int, float, str, list, dict) or `Unknown`. A
function given an Unknown argument returns an Unknown, unless it can still know the answer:
`coalesce('a', x)`, `and(false, x)`, `length([x])`, `createArray(x)` and the like.

Functions that need the deployment context (`parameters`, `variables`, `reference`, `list*`,
`copyIndex`, `subscription`, `utcNow`, `if` with its lazy branches, lambdas...) live in the
evaluator (`svclint.arm_expr`), not here.

Resource IDs: the resource-ID functions return ordinary strings. A scope part that was not
passed in (the deploying subscription, resource group or management group) is written as the
placeholder `{subscriptionId}`, `{resourceGroupName}` or `{managementGroupName}`, so
`subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '<guid>')` is
`/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/<guid>`.
Rules compare role definitions with their `trailing_guid` transform, which also sees the GUID
at the end of a partly unknown string such as `concat('/subscriptions/', subscription().subscriptionId,
'/providers/Microsoft.Authorization/roleDefinitions/', '<guid>')`.

Partly unknown strings: `concat`, `format` and the resource-ID functions given unknown
pieces return an `Unknown` whose `partial` is the text with each unknown piece written as
`svclint.model.PLACEHOLDER`.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, unquote, urljoin

from svclint.model import PLACEHOLDER, Ref, Unknown, slot_setters

SUBSCRIPTION_PLACEHOLDER = "{subscriptionId}"
RESOURCE_GROUP_PLACEHOLDER = "{resourceGroupName}"
MANAGEMENT_GROUP_PLACEHOLDER = "{managementGroupName}"


@dataclass(frozen=True, slots=True)
class RefUnknown(Unknown):
    """A deploy-time value read from a resource or scope: `ref` says which, and which property."""

    ref: Ref = field(kw_only=True)

    def __init__(self, reason: str, partial: str | None = None, *, ref: Ref) -> None:
        _set_reason(self, reason)  # as `svclint.model.Location.__init__`
        _set_partial(self, partial)
        _set_ref(self, ref)


(_set_reason, _set_partial), (_set_ref,) = slot_setters(Unknown, "reason", "partial"), slot_setters(RefUnknown, "ref")


class FunctionError(Exception):
    """Arguments a deployment would reject; the call evaluates to an Unknown."""


class _UnknownInside(Exception):
    """Raised when a function needs a fully known argument and meets an Unknown in it."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


Function = Callable[..., Any]
FUNCTIONS: dict[str, Function] = {}


def call(name: str, args: list[Any]) -> Any:
    """Apply the function `name` (any case) to evaluated arguments; never raises."""
    function = FUNCTIONS.get(name.lower())
    if function is None:
        return Unknown(f"unsupported function '{name}'")
    try:
        return function(*args)
    except _UnknownInside as exc:
        return Unknown(exc.unknown.reason)
    except (
        FunctionError,
        TypeError,
        ValueError,
        LookupError,
        ArithmeticError,
        AttributeError,
    ) as exc:
        return Unknown(f"invalid call to {name}(): {exc}")


def _function(*names: str, lenient: bool = False, partial: bool = False) -> Callable[[Function], Function]:
    """Register a function; unless `lenient`, any Unknown argument makes the result Unknown.

    With `partial`, the function builds a string: it runs with PLACEHOLDER for unknown
    arguments, and its result becomes the `partial` text of the Unknown it returns.
    """

    def register(function: Function) -> Function:
        def strict(*args: Any) -> Any:
            for unknown in args:
                if isinstance(unknown, Unknown):
                    break
            else:
                return function(*args)
            if not partial:
                return Unknown(unknown.reason)
            known = [PLACEHOLDER if isinstance(a, Unknown) else a for a in args]
            try:
                return Unknown(unknown.reason, function(*known))
            except FunctionError:
                return Unknown(unknown.reason)

        for name in names:
            FUNCTIONS[name.lower()] = function if lenient else strict
        return function

    return register


def first_unknown(value: Any) -> Unknown | None:
    """The first Unknown anywhere inside `value`, or None when it is fully known."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Unknown):
            return item
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return None


def _known(value: Any) -> Any:
    unknown = first_unknown(value)
    if unknown is not None:
        raise _UnknownInside(unknown)
    return value


def _expect(value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise FunctionError(f"expected {what}, got {type(value).__name__}")
    return value


def to_text(value: Any) -> str:
    """ARM's string conversion: JSON for containers, .NET spelling for booleans."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(_known(value), separators=(",", ":"))
    return str(value)


def _join_text(parts: Iterable[Any]) -> str | Unknown:
    """Concatenate strings; unknown pieces give an Unknown whose `partial` keeps the known text."""
    texts: list[str] = []
    unknown: Unknown | None = None
    for part in parts:
        if isinstance(part, Unknown):
            unknown = unknown or part
            texts.append(PLACEHOLDER if part.partial is None else part.partial)
        else:
            texts.append(to_text(part))
    if unknown is None:
        return "".join(texts)
    return Unknown(unknown.reason, "".join(texts))


# --- strings -------------------------------------------------------------------------------


@_function("concat", lenient=True)
def _concat(*args: Any) -> Any:
    if any(isinstance(a, list) for a in args):
        if any(isinstance(a, Unknown) for a in args):
            return Unknown(next(a for a in args if isinstance(a, Unknown)).reason)
        return [item for a in args for item in _expect(a, list, "arrays only")]
    return _join_text(args)


_FORMAT_ITEM = re.compile(r"\{\{|\}\}|\{(\d+)(?:,(-?\d+))?(?::[^}]*)?\}")


@_function("format", lenient=True)
def _format(template: Any, *args: Any) -> Any:
    """.NET composite formatting; format specifiers (`{0:D}`) are ignored, alignment kept."""
    if isinstance(template, Unknown):
        return Unknown(template.reason)
    parts: list[Any] = []
    position = 0
    for match in _FORMAT_ITEM.finditer(_expect(template, str, "a format string")):
        parts.append(template[position : match.start()])
        position = match.end()
        if match.group(1) is None:
            parts.append(match.group()[0])
            continue
        index = int(match.group(1))
        if index >= len(args):
            raise FunctionError(f"no argument {index}")
        value = args[index]
        width = match.group(2)
        if width and not isinstance(value, Unknown):
            text = to_text(value)
            value = text.rjust(int(width)) if int(width) > 0 else text.ljust(-int(width))
        parts.append(value)
    parts.append(template[position:])
    return _join_text(parts)


@_function("string")
def _string(value: Any) -> str:
    return to_text(value)


@_function("toLower")
def _to_lower(text: Any) -> str:
    return str(_expect(text, str, "a string")).lower()


@_function("toUpper")
def _to_upper(text: Any) -> str:
    return str(_expect(text, str, "a string")).upper()


@_function("trim")
def _trim(text: Any) -> str:
    return str(_expect(text, str, "a string")).strip()


@_function("replace")
def _replace(text: Any, old: Any, new: Any) -> str:
    return str(_expect(text, str, "a string")).replace(old, new)


@_function("split")
def _split(text: Any, delimiters: Any) -> list[str]:
    _expect(text, str, "a string")
    if isinstance(delimiters, str):
        return list(text.split(delimiters))
    pattern = "|".join(re.escape(_expect(d, str, "string delimiters")) for d in delimiters)
    return re.split(pattern, text)


@_function("join")
def _join(items: Any, delimiter: Any) -> str:
    return str(delimiter).join(to_text(i) for i in _known(_expect(items, list, "an array")))


@_function("substring")
def _substring(text: Any, start: Any, length: Any = None) -> str:
    _expect(text, str, "a string")
    end = len(text) if length is None else start + length
    if not 0 <= start <= end <= len(text):
        raise FunctionError("index out of range")
    return str(text[start:end])


_MAX_PAD = 16_384  # ARM's limit on padLeft()


@_function("padLeft")
def _pad_left(value: Any, width: Any, padding: Any = " ") -> str:
    if _integer(width) > _MAX_PAD:
        raise FunctionError(f"width must be at most {_MAX_PAD}")
    return to_text(value).rjust(width, padding)


@_function("startsWith")
def _starts_with(text: Any, prefix: Any) -> bool:
    return bool(str(text).lower().startswith(str(prefix).lower()))


@_function("endsWith")
def _ends_with(text: Any, suffix: Any) -> bool:
    return bool(str(text).lower().endswith(str(suffix).lower()))


@_function("indexOf")
def _index_of(container: Any, item: Any) -> int:
    if isinstance(container, str):
        return container.lower().find(str(item).lower())
    items = _known(_expect(container, list, "a string or array"))
    return items.index(item) if item in items else -1


@_function("lastIndexOf")
def _last_index_of(container: Any, item: Any) -> int:
    if isinstance(container, str):
        return container.lower().rfind(str(item).lower())
    items = _known(_expect(container, list, "a string or array"))
    return len(items) - 1 - items[::-1].index(item) if item in items else -1


@_function("base64")
def _base64(text: Any) -> str:
    return base64.b64encode(str(text).encode()).decode()


@_function("base64ToString")
def _base64_to_string(text: Any) -> str:
    return base64.b64decode(str(text)).decode()


@_function("base64ToJson")
def _base64_to_json(text: Any) -> Any:
    return _json(_base64_to_string(text))


@_function("uri")
def _uri(base: Any, relative: Any) -> str:
    return urljoin(str(base), str(relative))


@_function("uriComponent")
def _uri_component(text: Any) -> str:
    return quote(str(text), safe="")


@_function("uriComponentToString")
def _uri_component_to_string(text: Any) -> str:
    return unquote(str(text))


@_function("uniqueString")
def _unique_string(*parts: Any) -> str:
    """13 lower-case base-32 characters from a hash: deterministic, not Azure's exact value."""
    digest = hashlib.sha256("-".join(to_text(p) for p in parts).encode()).digest()
    number = int.from_bytes(digest[:8], "big")
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    return "".join(alphabet[(number >> (5 * i)) & 31] for i in range(13))


_GUID_NAMESPACE = uuid.UUID("11fb06fb-712d-4ddd-98c7-e71bbd588830")


@_function("guid")
def _guid(*parts: Any) -> str:
    """A deterministic UUID v5 of the arguments; not guaranteed to equal Azure's value."""
    if not parts:
        raise FunctionError("guid() needs at least one argument")
    return str(uuid.uuid5(_GUID_NAMESPACE, "-".join(to_text(p) for p in parts)))


# --- collections ----------------------------------------------------------------------------


def _sized(value: Any) -> Any:
    return _expect(value, (str, list, dict), "a string, array or object")


@_function("length")
def _length(value: Any) -> int:
    return len(_sized(value))


@_function("empty")
def _empty(value: Any) -> bool:
    return value is None or len(_sized(value)) == 0


@_function("first")
def _first(value: Any) -> Any:
    sequence = _expect(value, (str, list), "a string or array")
    return sequence[0] if sequence else None


@_function("last")
def _last(value: Any) -> Any:
    sequence = _expect(value, (str, list), "a string or array")
    return sequence[-1] if sequence else None


@_function("take")
def _take(value: Any, count: Any) -> Any:
    return _expect(value, (str, list), "a string or array")[: max(count, 0)]


@_function("skip")
def _skip(value: Any, count: Any) -> Any:
    return _expect(value, (str, list), "a string or array")[max(count, 0) :]


def ci_get(mapping: dict[str, Any], key: str) -> tuple[bool, Any]:
    """Case-insensitive lookup, as ARM objects compare property names without case."""
    if key in mapping:
        return True, mapping[key]
    folded = key.lower()
    for name, value in mapping.items():
        if name.lower() == folded:
            return True, value
    return False, None


@_function("contains")
def _contains(container: Any, item: Any) -> bool:
    if isinstance(container, str):
        return str(_known(item)) in container
    if isinstance(container, dict):
        return ci_get(container, _expect(item, str, "a string key"))[0]
    return _known(item) in _known(_expect(container, list, "a string, array or object"))


@_function("union")
def _union(*values: Any) -> Any:
    if all(isinstance(v, dict) for v in values):
        merged: dict[str, Any] = {}
        for value in values:
            merged.update(value)
        return merged
    result: list[Any] = []
    for value in values:
        result.extend(v for v in _known(_expect(value, list, "arrays or objects")) if v not in result)
    return result


@_function("intersection")
def _intersection(first: Any, *others: Any) -> Any:
    _known([first, *others])
    if isinstance(first, dict):
        return {k: v for k, v in first.items() if all(o.get(k, object()) == v for o in others)}
    return [v for i, v in enumerate(first) if v not in first[:i] and all(v in o for o in others)]


@_function("shallowMerge")
def _shallow_merge(objects: Any) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for value in _expect(objects, list, "an array of objects"):
        if isinstance(value, Unknown):
            raise _UnknownInside(value)
        merged.update(_expect(value, dict, "objects"))
    return merged


@_function("flatten")
def _flatten(arrays: Any) -> list[Any]:
    result: list[Any] = []
    for value in _expect(arrays, list, "an array of arrays"):
        if isinstance(value, Unknown):
            raise _UnknownInside(value)
        result.extend(_expect(value, list, "arrays"))
    return result


@_function("createArray", lenient=True)
def _create_array(*items: Any) -> list[Any]:
    return list(items)


@_function("createObject", lenient=True)
def _create_object(*pairs: Any) -> dict[str, Any]:
    if len(pairs) % 2:
        raise FunctionError("needs key/value pairs")
    keys = [_expect(_known(k), str, "string keys") for k in pairs[::2]]
    return dict(zip(keys, pairs[1::2], strict=True))


@_function("array", lenient=True)
def _array(value: Any) -> Any:
    if isinstance(value, Unknown):
        return Unknown(value.reason)
    return value if isinstance(value, list) else [value]


@_function("objectKeys")
def _object_keys(value: Any) -> list[str]:
    return list(_expect(value, dict, "an object"))


@_function("items")
def _items(value: Any) -> list[dict[str, Any]]:
    mapping = _expect(value, dict, "an object")
    return [{"key": k, "value": mapping[k]} for k in sorted(mapping, key=str.lower)]


_MAX_RANGE = 10_000  # ARM's own limit on range(); also keeps a bad count from eating memory


@_function("range")
def _range(start: Any, count: Any) -> list[int]:
    if not 0 <= _integer(count) <= _MAX_RANGE:
        raise FunctionError(f"count must be between 0 and {_MAX_RANGE}")
    return list(range(_integer(start), start + count))


@_function("tryGet")
def _try_get(value: Any, *keys: Any) -> Any:
    for key in keys:
        if isinstance(key, Unknown) or isinstance(value, Unknown):
            return Unknown((key if isinstance(key, Unknown) else value).reason)
        if isinstance(value, dict) and isinstance(key, str):
            value = ci_get(value, key)[1]
        elif isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
            value = value[key]
        else:
            return None
    return value


@_function("json")
def _json(text: Any) -> Any:
    try:
        return json.loads(_expect(text, str, "a string"))
    except json.JSONDecodeError as exc:
        raise FunctionError(f"invalid JSON: {exc}") from None


# --- logic and comparison -------------------------------------------------------------------


@_function("equals")
def _equals(left: Any, right: Any) -> bool:
    return bool(_known(left) == _known(right))


@_function("not")
def _not(value: Any) -> bool:
    return not _expect(value, bool, "a boolean")


def _short_circuit(values: tuple[Any, ...], decisive: bool) -> Any:
    """and/or: a known decisive operand settles it even when others are unknown."""
    unknown = None
    for value in values:
        if isinstance(value, Unknown):
            unknown = unknown or value
        elif _expect(value, bool, "booleans") is decisive:
            return decisive
    return Unknown(unknown.reason) if unknown else not decisive


@_function("and", lenient=True)
def _and(*values: Any) -> Any:
    return _short_circuit(values, False)


@_function("or", lenient=True)
def _or(*values: Any) -> Any:
    return _short_circuit(values, True)


@_function("bool")
def _bool(value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, (bool, int)):
        return bool(value)
    raise FunctionError(f"cannot convert {value!r} to a boolean")


@_function("coalesce", lenient=True)
def _coalesce(*values: Any) -> Any:
    for value in values:
        if isinstance(value, Unknown):
            return Unknown(value.reason)
        if value is not None:
            return value
    return None


@_function("true")
def _true() -> bool:
    return True


@_function("false")
def _false() -> bool:
    return False


@_function("null")
def _null() -> None:
    return None


def _comparable(value: Any) -> Any:
    return _expect(value, (int, float, str), "numbers or strings")


@_function("less")
def _less(left: Any, right: Any) -> bool:
    return bool(_comparable(left) < _comparable(right))


@_function("lessOrEquals")
def _less_or_equals(left: Any, right: Any) -> bool:
    return bool(_comparable(left) <= _comparable(right))


@_function("greater")
def _greater(left: Any, right: Any) -> bool:
    return bool(_comparable(left) > _comparable(right))


@_function("greaterOrEquals")
def _greater_or_equals(left: Any, right: Any) -> bool:
    return bool(_comparable(left) >= _comparable(right))


# --- numbers --------------------------------------------------------------------------------


@_function("int")
def _int(value: Any) -> int:
    return int(value)


@_function("float")
def _float(value: Any) -> float:
    return float(value)


def _integer(value: Any) -> int:
    return int(_expect(value, int, "an integer"))


@_function("add")
def _add(left: Any, right: Any) -> int:
    return _integer(left) + _integer(right)


@_function("sub")
def _sub(left: Any, right: Any) -> int:
    return _integer(left) - _integer(right)


@_function("mul")
def _mul(left: Any, right: Any) -> int:
    return _integer(left) * _integer(right)


@_function("div")
def _div(left: Any, right: Any) -> int:
    quotient = abs(_integer(left)) // abs(_integer(right))  # .NET truncates toward zero
    return quotient if (left < 0) == (right < 0) else -quotient


@_function("mod")
def _mod(left: Any, right: Any) -> int:
    return _integer(left) - _div(left, right) * _integer(right)


def _numbers(values: tuple[Any, ...]) -> list[Any]:
    flat = values[0] if len(values) == 1 and isinstance(values[0], list) else list(values)
    return [_comparable(v) for v in _known(flat)]


@_function("min")
def _min(*values: Any) -> Any:
    return min(_numbers(values))


@_function("max")
def _max(*values: Any) -> Any:
    return max(_numbers(values))


# --- resource IDs ---------------------------------------------------------------------------


def _provider_path(resource_type: Any, names: tuple[Any, ...]) -> str:
    """`/providers/Ns/type1/name1/type2/name2` from a type and its name segments."""
    namespace, *types = _expect(resource_type, str, "a resource type").split("/")
    segments = "/".join(_expect(n, str, "string names") for n in names).split("/")
    if not types or len(segments) != len(types):
        raise FunctionError(f"{resource_type} needs {len(types)} name segment(s)")
    pairs = "/".join(f"{t}/{n}" for t, n in zip(types, segments, strict=True))
    return f"/providers/{namespace}/{pairs}"


def _split_scope(args: tuple[Any, ...], max_scope: int) -> tuple[list[Any], Any, tuple[Any, ...]]:
    """Leading scope arguments, the resource type (the first argument with a '/'), the names."""
    for index, arg in enumerate(args[: max_scope + 1]):
        if isinstance(arg, str) and "/" in arg:
            return list(args[:index]), arg, args[index + 1 :]
    raise FunctionError("no resource type argument")


@_function("resourceId", partial=True)
def _resource_id(*args: Any) -> str:
    scope, resource_type, names = _split_scope(args, 2)
    # Missing leading scope arguments default to the deployment's: placeholders.
    subscription, group = [SUBSCRIPTION_PLACEHOLDER, RESOURCE_GROUP_PLACEHOLDER][: 2 - len(scope)] + scope
    path = _provider_path(resource_type, names)
    return f"/subscriptions/{subscription}/resourceGroups/{group}{path}"


@_function("subscriptionResourceId", partial=True)
def _subscription_resource_id(*args: Any) -> str:
    scope, resource_type, names = _split_scope(args, 1)
    subscription = scope[0] if scope else SUBSCRIPTION_PLACEHOLDER
    return f"/subscriptions/{subscription}{_provider_path(resource_type, names)}"


@_function("tenantResourceId", partial=True)
def _tenant_resource_id(resource_type: Any, *names: Any) -> str:
    return _provider_path(resource_type, names)


@_function("managementGroupResourceId", partial=True)
def _management_group_resource_id(*args: Any) -> str:
    scope, resource_type, names = _split_scope(args, 1)
    group = scope[0] if scope else MANAGEMENT_GROUP_PLACEHOLDER
    path = _provider_path(resource_type, names)
    return f"/providers/Microsoft.Management/managementGroups/{group}{path}"


@_function("extensionResourceId", partial=True)
def _extension_resource_id(base: Any, resource_type: Any, *names: Any) -> str:
    base_id = str(_expect(base, str, "a resource ID")).rstrip("/")
    return base_id + _provider_path(resource_type, names)


# --- dates ----------------------------------------------------------------------------------

_DURATION = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
    r"(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?"
)
_DATE_TOKENS = re.compile(r"yyyy|yy|MM|dd|HH|hh|mm|ss|f{1,7}|tt|'[^']*'|\"[^\"]*\"|\\.|.", re.DOTALL)
_DATE_FIELDS: dict[str, Callable[[datetime], str]] = {
    "yyyy": lambda d: f"{d.year:04d}",
    "yy": lambda d: f"{d.year % 100:02d}",
    "MM": lambda d: f"{d.month:02d}",
    "dd": lambda d: f"{d.day:02d}",
    "HH": lambda d: f"{d.hour:02d}",
    "hh": lambda d: f"{(d.hour - 1) % 12 + 1:02d}",
    "mm": lambda d: f"{d.minute:02d}",
    "ss": lambda d: f"{d.second:02d}",
    "tt": lambda d: "AM" if d.hour < 12 else "PM",
    "M": lambda d: str(d.month),
    "d": lambda d: str(d.day),
    "H": lambda d: str(d.hour),
    "h": lambda d: str((d.hour - 1) % 12 + 1),
    "m": lambda d: str(d.minute),
    "s": lambda d: str(d.second),
}
_STANDARD_FORMATS = {
    "u": "yyyy-MM-dd HH:mm:ss'Z'",
    "s": "yyyy-MM-dd'T'HH:mm:ss",
    "o": "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
    "O": "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'",
}
DEFAULT_DATE_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'"


def format_datetime(moment: datetime, pattern: str) -> str:
    """Format a UTC datetime with a .NET custom (or u/s/o standard) date format string."""
    pattern = _STANDARD_FORMATS.get(pattern, pattern)
    out: list[str] = []
    for token in _DATE_TOKENS.findall(pattern):
        if token in _DATE_FIELDS:
            out.append(_DATE_FIELDS[token](moment))
        elif token[0] == "f":
            out.append(f"{moment.microsecond:06d}0"[: len(token)])
        elif token[0] in "'\"":
            out.append(token[1:-1])
        elif token[0] == "\\":
            out.append(token[1])
        elif token.isalpha() and token != "T" and token != "Z":
            raise FunctionError(f"unsupported date format {token!r}")
        else:
            out.append(token)
    return "".join(out)


def _parse_datetime(text: Any) -> datetime:
    value = _expect(text, str, "a date-time string").strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def _add_months(moment: datetime, months: int) -> datetime:
    year, month = divmod(moment.month - 1 + months, 12)
    year += moment.year
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@_function("dateTimeAdd")
def _date_time_add(base: Any, duration: Any, pattern: Any = DEFAULT_DATE_FORMAT) -> str:
    match = _DURATION.fullmatch(_expect(duration, str, "an ISO 8601 duration"))
    if not match or match.group() in ("P", "-P"):
        raise FunctionError(f"invalid duration {duration!r}")
    sign = -1 if match.group(1) else 1
    years, months, weeks, days, hours, minutes = (int(g or 0) for g in match.groups()[1:7])
    seconds = float(match.group(8) or 0)
    moment = _add_months(_parse_datetime(base), sign * (years * 12 + months))
    delta = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
    return format_datetime(moment + sign * delta, pattern)


@_function("dateTimeToEpoch")
def _date_time_to_epoch(text: Any) -> int:
    return int(_parse_datetime(text).timestamp())


@_function("dateTimeFromEpoch")
def _date_time_from_epoch(seconds: Any) -> str:
    moment = datetime.fromtimestamp(_integer(seconds), tz=timezone.utc)
    return format_datetime(moment, DEFAULT_DATE_FORMAT)
