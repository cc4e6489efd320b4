"""The one shape of a rule's verdict in funds: each criterion of an application or a
pre-assessment is met, not met or missing data, explained in Italian for operators, with the
reference of the rule it applies and whether that rule is still "da verificare"."""

from __future__ import annotations

from dataclasses import dataclass

MET = "soddisfatto"
NOT_MET = "non_soddisfatto"
MISSING = "dato_mancante"


@dataclass(frozen=True)
class Criterion:
    code: str
    outcome: str  # MET | NOT_MET | MISSING
    explanation: str  # Italian, for operators
    reference: str | None = None  # the rule's source, as a person cites it
    to_verify: bool = False

    def as_record(self) -> dict:
        return {
            "code": self.code,
            "outcome": self.outcome,
            "explanation": self.explanation,
            "reference": self.reference,
            "to_verify": self.to_verify,
        }
