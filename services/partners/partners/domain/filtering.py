"""Data minimisation: a partner receives only the fields its convention lists.

Fields are dotted paths into the event data (``household.size``). The output keeps the nesting
(``{"household": {"size": 3}}``). Lists are never walked into, and a list is delivered only when
a path names it exactly: allowing ``household`` delivers the household's counts but not its
``members``; only ``household.members`` would deliver them.
"""

from __future__ import annotations

import copy

SCALARS = (str, int, float, bool, type(None))


def filter_fields(data: dict, allowed_paths) -> dict:
    """A new dict with only the ``allowed_paths`` of ``data`` that are present."""
    result: dict = {}
    for path in allowed_paths:
        keys = path.split(".")
        value = _lookup(data, keys)
        if value is _MISSING:
            continue
        if isinstance(value, dict):
            value = _without_lists(value)
        _place(result, keys, copy.deepcopy(value))
    return result


def delivered_paths(filtered: dict, prefix: str = "") -> list[str]:
    """The dotted paths of the leaves of a filtered dict (lists count as leaves), sorted."""
    paths = []
    for key, value in filtered.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            paths.extend(delivered_paths(value, path + "."))
        else:
            paths.append(path)
    return sorted(paths)


_MISSING = object()


def _lookup(data, keys):
    node = data
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
    if not isinstance(node, (dict, list) + SCALARS):
        return _MISSING
    return node


def _without_lists(node: dict) -> dict:
    return {
        key: _without_lists(value) if isinstance(value, dict) else value
        for key, value in node.items()
        if not isinstance(value, list)
    }


def _place(result: dict, keys: list[str], value) -> None:
    node = result
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    existing = node.get(keys[-1])
    if isinstance(existing, dict) and isinstance(value, dict):
        existing.update(value)
    else:
        node[keys[-1]] = value
