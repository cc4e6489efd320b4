"""``/api/v1/partners``: the partner network, its conventions with every version, and the
coordinators' edits (each a new version: the request names the version it edits, and a convention
changed meanwhile is a 412). Operators read; only coordinators edit (the partners service says
403 otherwise); comuni's systems get 404."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from .. import partner_network
from .access import checked_id, operator_actor_or_404
from .referrals import jsonable
from .schemas import ISTAT, NOT_BLANK

blp = Blueprint(
    "partners",
    __name__,
    url_prefix="/api/v1/partners",
    description="Partner organisations and their conventions (coordinators edit)",
)
KINDS = ["protocollo_intesa", "convenzione", "accordo_art15"]
CHANNELS = ["amqp", "webhook"]


# {"fields": [dotted paths], "purpose": "why"} ("fields" cannot be a class attribute)
GrantOut = Schema.from_dict(
    {
        "fields": fields.List(fields.String(), metadata={"description": "Dotted paths"}),
        "purpose": fields.String(),
    },
    name="GrantOut",
)


class ConventionOut(Schema):
    code = fields.String(metadata={"example": "FWA-2024"})
    version = fields.Integer()
    kind = fields.String(validate=validate.OneOf(KINDS))
    title = fields.String()
    reference = fields.String()
    services = fields.List(fields.String())
    comuni = fields.List(fields.String(), metadata={"description": "[] = every comune"})
    grants = fields.Dict(
        keys=fields.String(), values=fields.Nested(GrantOut), metadata={"description": "By type"}
    )
    allowed_event_types = fields.List(fields.String())
    valid_from = fields.String(metadata={"format": "date"})
    valid_to = fields.String(allow_none=True, metadata={"format": "date"})
    status = fields.String(validate=validate.OneOf(["attiva", "sospesa"]))
    status_reason = fields.String(allow_none=True)
    response_days = fields.Integer()
    channels = fields.List(fields.String(validate=validate.OneOf(CHANNELS)))


class ChangeOut(Schema):
    column = fields.String(metadata={"example": "response_days"})
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)


class VersionOut(ConventionOut):
    recorded_at = fields.String(metadata={"format": "date-time"})
    recorded_by = fields.String()
    changes = fields.List(fields.Nested(ChangeOut))


class LapseOut(Schema):
    code = fields.String(
        metadata={
            "description": "convention_expired, convention_not_yet_valid, convention_suspended, "
            "no_convention_in_force"
        }
    )
    convention_code = fields.String()
    version = fields.Integer()
    valid_to = fields.String(metadata={"format": "date"})
    valid_from = fields.String(metadata={"format": "date"})
    reason = fields.String(allow_none=True)


class PartnerOut(Schema):
    code = fields.String(metadata={"example": "FWA"})
    name = fields.String()
    kind = fields.String()
    active = fields.Boolean()
    in_force = fields.Nested(ConventionOut, allow_none=True)
    current = fields.Nested(
        ConventionOut,
        allow_none=True,
        metadata={"description": "In force, else the latest version of the latest convention"},
    )
    lapse = fields.Nested(
        LapseOut, allow_none=True, metadata={"description": "Why nothing is sent"}
    )


class ConventionHistoryOut(Schema):
    code = fields.String()
    current = fields.Nested(VersionOut)
    versions = fields.List(fields.Nested(VersionOut), metadata={"description": "Oldest first"})


class PartnerDetailOut(PartnerOut):
    conventions = fields.List(fields.Nested(ConventionHistoryOut))


GrantIn = Schema.from_dict(
    {
        "fields": fields.List(
            fields.String(validate=validate.Length(min=1, max=200)),
            required=True,
            validate=validate.Length(min=1),
            metadata={"description": "Field paths of the event type's partner-facing schema"},
        ),
        "purpose": fields.String(required=True, validate=validate.Length(min=1, max=300)),
    },
    name="GrantIn",
)


def _text():
    return fields.String(validate=validate.Length(min=1, max=300))


class ChangesIn(Schema):
    """The columns to change; those left out stay as they are."""

    kind = fields.String(validate=validate.OneOf(KINDS))
    title = _text()
    reference = _text()
    services = fields.List(
        fields.String(validate=validate.Length(min=1, max=60)),
        metadata={"description": "Codes of the services partners offer (microcredito, ...)"},
    )
    comuni = fields.List(
        fields.String(validate=ISTAT), metadata={"description": "[] = every comune"}
    )
    valid_from = fields.Date()
    valid_to = fields.Date(allow_none=True, metadata={"description": "Not before valid_from"})
    grants = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=200)),
        values=fields.Nested(GrantIn),
        metadata={"description": "Event type of the partner catalogue -> its grant (all of them)"},
    )
    response_days = fields.Integer(strict=True, validate=validate.Range(min=1, max=365))
    channels = fields.List(
        fields.String(validate=validate.OneOf(CHANNELS)), validate=validate.Length(min=1)
    )


class ConventionEditIn(Schema):
    expected_version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1),
        metadata={"description": "The version you edited"},
    )
    changes = fields.Nested(ChangesIn, required=True)


class StatusChangeIn(Schema):
    expected_version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    status = fields.String(required=True, validate=validate.OneOf(["attiva", "sospesa"]))
    reason = fields.String(required=True, validate=[validate.Length(max=300), NOT_BLANK])


@blp.before_request
def authenticate():
    operator_actor_or_404()


def _code(value: str) -> str:
    return checked_id(value, "partner").upper()


@blp.route("")
class Partners(MethodView):
    @blp.response(200, PartnerOut(many=True))
    def get(self):
        """List the partners with the convention in force, or why none is"""
        return partner_network.list_partners(operator_actor_or_404())


@blp.route("/<partner_code>")
class PartnerDetail(MethodView):
    @blp.response(200, PartnerDetailOut)
    @blp.alt_response(404, description="No such partner")
    def get(self, partner_code):
        """A partner with every version of its conventions (who, when, what changed)"""
        return partner_network.get_partner(operator_actor_or_404(), _code(partner_code))


@blp.route("/<partner_code>/conventions/<convention_code>")
class Convention(MethodView):
    @blp.arguments(ConventionEditIn)
    @blp.response(200, VersionOut)
    @blp.alt_response(403, description="Only coordinators edit conventions")
    @blp.alt_response(409, description="Nothing differs from the current version")
    @blp.alt_response(412, description="The convention changed since the version you edited")
    def put(self, body, partner_code, convention_code):
        """Edit a convention: records the next version"""
        return partner_network.edit_convention(
            operator_actor_or_404(),
            _code(partner_code),
            checked_id(convention_code, "convention"),
            body["expected_version"],
            jsonable(body["changes"]),
        )


@blp.route("/<partner_code>/conventions/<convention_code>/status")
class ConventionStatus(MethodView):
    @blp.arguments(StatusChangeIn)
    @blp.response(200, VersionOut)
    @blp.alt_response(403, description="Only coordinators suspend and resume conventions")
    @blp.alt_response(409, description="Already suspended, or not suspended")
    @blp.alt_response(412, description="The convention changed since the version you read")
    def put(self, body, partner_code, convention_code):
        """Suspend (sospesa) or resume (attiva) a convention, with a reason

        A suspended convention stops every delivery to the partner at once; the change is the
        convention's next version.
        """
        return partner_network.set_convention_status(
            operator_actor_or_404(),
            _code(partner_code),
            checked_id(convention_code, "convention"),
            body["expected_version"],
            body["status"],
            body["reason"],
        )
