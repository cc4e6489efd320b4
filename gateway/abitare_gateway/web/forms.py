"""The referral form of the web UI: raw strings in, a ``submit_referral`` payload out, Italian
messages by field id otherwise (values are kept so the page can show them again).

The form checks what a person types (required fields, dates, euro amounts, the codice fiscale's
check character); intake owns the rules, and its coded field errors are put into Italian by the
gateway's table (``error_texts``) next to the same fields.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from .. import agency_time, error_texts
from ..errors import field_message
from ..i18n import _
from ..money import AmountError, cents_to_euro_input, euro_to_cents
from ..validators import codice_fiscale_error, normalize_codice_fiscale

MEMBER_FIELDS = ("codice_fiscale", "first_name", "last_name", "birth_date", "relation")
FIELDS = (
    "comune_istat",
    "referring_body",
    "referring_body_name",
    "problem_reported",
    "housing_situation",
    "description",
    "eviction_date",
    "monthly_net_income",
    "monthly_rent",
    "contact_phone",
    "received_on",
    "idempotency_key",
)
REQUIRED = ("comune_istat", "referring_body", "problem_reported", "housing_situation")
MAX_MEMBERS = 20
MEMBER_KEY = re.compile(r"^members-(\d{1,3})-([a-z_]+)$")
PHONE = re.compile(r"^\+?[0-9][0-9 ./-]{4,38}$")
HEAD_OF_HOUSEHOLD = "intestatario"
OLDEST_RECEIVED_YEAR = 2000  # intake refuses older ones (too_old)

REQUIRED_MESSAGE = error_texts.text("required")
CHOOSE_MESSAGE = error_texts.text("one_of")
PHONE_MESSAGE = error_texts.text("phone_format")


def parse_date(text: str) -> date:
    """``2025-05-31`` (what ``<input type=date>`` sends) or ``31/05/2025`` (typed by hand)."""
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(_("Data non valida: usa il formato gg/mm/aaaa."))


def form_field_for(path: str) -> str:
    """An intake field path (``household.0.codice_fiscale``) -> the form field's id."""
    parts = path.split(".")
    if parts[0] == "household":
        if len(parts) >= 3 and parts[1].isdigit():
            return f"members-{parts[1]}-{parts[2]}"
        return "members"
    if parts[0] in ("monthly_net_income_cents", "monthly_rent_cents"):
        return parts[0].removesuffix("_cents")
    if parts[0] == "received_at":
        return "received_on"
    if parts[0] in FIELDS:
        return parts[0]
    return "_form"


@dataclass
class ReferralForm:
    values: dict[str, str] = field(default_factory=dict)
    members: list[dict[str, str]] = field(default_factory=list)
    errors: dict[str, list[str]] = field(default_factory=dict)
    # member index -> what its codice fiscale contradicts (sent only once confirmed)
    warnings: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def blank(cls) -> ReferralForm:
        form = cls(values={name: "" for name in FIELDS})
        form.values["idempotency_key"] = uuid.uuid4().hex
        form.values["received_on"] = agency_time.today().isoformat()
        form.members = [cls.empty_member(HEAD_OF_HOUSEHOLD)]
        return form

    @staticmethod
    def empty_member(relation: str = "") -> dict[str, str]:
        return {name: "" for name in MEMBER_FIELDS} | {"relation": relation}

    @classmethod
    def from_request(cls, form) -> ReferralForm:
        values = {name: (form.get(name) or "").strip() for name in FIELDS}
        if not values["idempotency_key"]:
            values["idempotency_key"] = uuid.uuid4().hex
        rows: dict[int, dict[str, str]] = {}
        for key in form.keys():
            match = MEMBER_KEY.match(key)
            if match and match.group(2) in MEMBER_FIELDS:
                rows.setdefault(int(match.group(1)), {})[match.group(2)] = (
                    form.get(key) or ""
                ).strip()
        members = [cls.empty_member() | rows[index] for index in sorted(rows)][:MAX_MEMBERS]
        return cls(values=values, members=members or [cls.empty_member(HEAD_OF_HOUSEHOLD)])

    def drop_empty_members(self):
        """Rows left completely empty are ignored (the form always keeps one)."""
        filled = [
            m for m in self.members if any(m[name] for name in MEMBER_FIELDS if name != "relation")
        ]
        self.members = filled or self.members[:1]

    # -- editing without JavaScript ---------------------------------------------------------
    def add_member(self):
        if len(self.members) < MAX_MEMBERS:
            self.members.append(self.empty_member())

    def remove_member(self, index: int):
        if len(self.members) > 1 and 0 <= index < len(self.members):
            del self.members[index]

    # -- validation -------------------------------------------------------------------------
    def error(self, field_id: str, message: str):
        self.errors.setdefault(field_id, []).append(message)

    def validate(self, allowed_comuni, vocabulary: dict[str, list[dict]]) -> dict | None:
        """The payload for ``intake.submit_referral``, or ``None`` with :attr:`errors` set."""
        self.errors = {}
        self.drop_empty_members()
        values = self.values
        for name in REQUIRED:
            if not values[name]:
                self.error(name, REQUIRED_MESSAGE)
        if values["comune_istat"] and values["comune_istat"] not in allowed_comuni:
            self.error("comune_istat", _("Seleziona uno dei comuni di tua competenza."))
        for name in ("referring_body", "problem_reported", "housing_situation"):
            codes = {option["code"] for option in vocabulary.get(name, [])}
            if values[name] and codes and values[name] not in codes:
                self.error(name, CHOOSE_MESSAGE)

        payload: dict = {name: values[name] for name in REQUIRED}
        for name, limit in (("referring_body_name", 200), ("description", 4000)):
            if len(values[name]) > limit:
                self.error(name, f"Al massimo {limit} caratteri.")
            elif values[name]:
                payload[name] = values[name]
        if values["contact_phone"]:
            if PHONE.match(values["contact_phone"]):
                payload["contact_phone"] = values["contact_phone"]
            else:
                self.error("contact_phone", PHONE_MESSAGE)
        if values["eviction_date"]:
            try:
                payload["eviction_date"] = parse_date(values["eviction_date"]).isoformat()
            except ValueError as exc:
                self.error("eviction_date", str(exc))
        self._validate_received_on(payload)
        for name in ("monthly_net_income", "monthly_rent"):
            if values[name]:
                try:
                    payload[f"{name}_cents"] = euro_to_cents(values[name])
                except AmountError as exc:
                    self.error(name, str(exc))
        payload["idempotency_key"] = values["idempotency_key"][:100]
        payload["household"] = self._validate_members(vocabulary)
        return None if self.errors else payload

    def _validate_received_on(self, payload: dict) -> None:
        """The day the scheda reached the agency (Milan's calendar): today when left empty, never
        in the future. Today is not sent, so intake keeps the time of day it was registered."""
        if not self.values["received_on"]:
            return
        try:
            day = parse_date(self.values["received_on"])
        except ValueError as exc:
            self.error("received_on", str(exc))
            return
        today = agency_time.today()
        if day > today:
            self.error("received_on", error_texts.text("not_in_future"))
        elif day.year < OLDEST_RECEIVED_YEAR:
            too_old = error_texts.text("too_old", {"min_year": OLDEST_RECEIVED_YEAR})
            self.error("received_on", too_old)
        elif day < today:
            payload["received_at"] = day.isoformat()

    def _validate_members(self, vocabulary) -> list[dict]:
        relations = {option["code"] for option in vocabulary.get("relation", [])}
        household = []
        for index, member in enumerate(self.members):
            prefix = f"members-{index}-"
            for name in MEMBER_FIELDS:
                if not member[name]:
                    self.error(prefix + name, REQUIRED_MESSAGE)
            if member["codice_fiscale"]:
                member["codice_fiscale"] = normalize_codice_fiscale(member["codice_fiscale"])
                problem = codice_fiscale_error(member["codice_fiscale"])
                if problem:
                    self.error(prefix + "codice_fiscale", problem)
            for name in ("first_name", "last_name"):
                if len(member[name]) > 100:
                    self.error(prefix + name, _("Al massimo 100 caratteri."))
            birth_date = None
            if member["birth_date"]:
                try:
                    birth_date = parse_date(member["birth_date"])
                except ValueError as exc:
                    self.error(prefix + "birth_date", str(exc))
            if member["relation"] and relations and member["relation"] not in relations:
                self.error(prefix + "relation", CHOOSE_MESSAGE)
            household.append(
                {
                    "codice_fiscale": member["codice_fiscale"],
                    "first_name": member["first_name"],
                    "last_name": member["last_name"],
                    "birth_date": birth_date.isoformat() if birth_date else member["birth_date"],
                    "relation": member["relation"],
                }
            )
        return household

    def add_remote_errors(self, errors: dict[str, list[dict]]):
        """intake's coded field errors (``InvalidInput``), next to the matching fields, in
        Italian (looked up by code)."""
        for path, items in errors.items():
            for error in items:
                self.error(form_field_for(path), field_message(error))

    # -- display ----------------------------------------------------------------------------
    def member_date_value(self, member: dict) -> str:
        """Dates typed as ``gg/mm/aaaa`` go back into ``<input type=date>`` as ISO."""
        try:
            return parse_date(member["birth_date"]).isoformat() if member["birth_date"] else ""
        except ValueError:
            return member["birth_date"]

    def date_value(self, name: str) -> str:
        try:
            return parse_date(self.values[name]).isoformat() if self.values[name] else ""
        except ValueError:
            return self.values[name]

    @staticmethod
    def amount_value(cents: int | None) -> str:
        return cents_to_euro_input(cents)
