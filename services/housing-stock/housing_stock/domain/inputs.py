"""Checks on the figures a rule is given: every problem is a coded field error, all of them are
raised together as :class:`~housing_stock.errors.HousingRuleInputInvalid`, nothing computed."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import HousingRuleInputInvalid


class Problems:
    def __init__(self) -> None:
        self.fields: dict[str, list[dict]] = {}

    def add(self, field: str, error: dict) -> None:
        self.fields.setdefault(field, []).append(error)

    def at_least(self, field: str, value, minimum) -> None:
        """``value`` (when given) must be ``>= minimum``."""
        if value is not None and value < minimum:
            self.add(field, {"code": "range", "min": minimum})

    def one_of(self, field: str, value, choices: Iterable[str]) -> None:
        choices = tuple(choices)
        if value is not None and value not in choices:
            self.add(field, {"code": "one_of", "choices": list(choices)})

    def date_order(self, field: str, earlier, later) -> None:
        """``earlier`` must not come after ``later`` (when both are known)."""
        if earlier is not None and later is not None and earlier > later:
            self.add(field, {"code": "date_order"})

    def raise_any(self) -> None:
        if self.fields:
            raise HousingRuleInputInvalid(self.fields)
