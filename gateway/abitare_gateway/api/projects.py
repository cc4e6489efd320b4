"""``/api/v1/cases/<id>/project``: the individual project (PEI), with optimistic concurrency.

``GET`` answers ``ETag: "v<version>"``; ``PUT`` must send it back in ``If-Match``. Without it:
428; when someone saved a newer version meanwhile (intake's ``ProjectVersionConflict``): 412
with the current version, never a silent overwrite.
"""

from __future__ import annotations

import re

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import casework
from ..errors import Problem
from ..rpc import RemoteError, RpcError
from .access import checked_id, operator_actor_or_404
from .case_schemas import IfMatchHeader, ProjectIn, ProjectOut
from .referrals import jsonable

blp = Blueprint(
    "projects",
    __name__,
    url_prefix="/api/v1/cases",
    description="Individual projects (PEI/PAI) of the cases, for operators",
)

VERSION_TAG = re.compile(r'^"v([0-9]{1,9})"$')
ETAG_HEADER = {
    "ETag": {"description": 'The project version, e.g. "v3"', "schema": {"type": "string"}}
}


@blp.before_request
def authenticate():
    operator_actor_or_404()


def etag(version: int) -> str:
    return f'"v{version}"'


def version_conflict(actor, case_id: str, detail: str) -> Problem:
    """412, with the current version when intake tells it."""
    extra, headers = {}, {}
    try:
        current = casework.get_project(actor, case_id)["version"]
    except (RpcError, KeyError, TypeError):
        current = None
    if current is not None:
        extra["current_version"] = current
        headers["ETag"] = etag(current)
    return Problem(412, detail, headers=headers, **extra)


def expected_version(actor, case_id: str, if_match: str | None) -> int:
    if not if_match:
        raise Problem(428, 'Send If-Match with the ETag of the project you edited, e.g. "v3".')
    if if_match.strip() == "*":
        raise Problem(428, "If-Match: * would overwrite blindly; send the project's ETag.")
    match = VERSION_TAG.match(if_match.strip())
    if not match:
        raise version_conflict(actor, case_id, "If-Match does not match the project's ETag.")
    return int(match.group(1))


@blp.route("/<case_id>/project")
class Project(MethodView):
    @blp.response(200, ProjectOut, headers=ETAG_HEADER)
    def get(self, case_id):
        """Read the current project (version 0 and empty when there is none yet)"""
        project = casework.get_project(operator_actor_or_404(), checked_id(case_id, "case"))
        return project, {"ETag": etag(project["version"])}

    @blp.arguments(IfMatchHeader, location="headers")
    @blp.arguments(ProjectIn)
    @blp.response(200, ProjectOut, headers=ETAG_HEADER)
    @blp.alt_response(412, description="Someone saved a newer version: read it again")
    @blp.alt_response(428, description="If-Match is missing")
    def put(self, headers, project, case_id):
        """Save a new version of the project

        New actions that another service fulfils are requested from it by intake.
        """
        actor = operator_actor_or_404()
        case_id = checked_id(case_id, "case")
        version = expected_version(actor, case_id, headers.get("if_match"))
        try:
            saved = casework.save_project(actor, case_id, version, jsonable(project))
        except RemoteError as exc:
            if exc.kind == "stale_version":
                raise version_conflict(
                    actor, case_id, "Someone saved a newer version of the project meanwhile."
                ) from None
            raise
        return saved, {"ETag": etag(saved["version"])}


@blp.route("/<case_id>/project/versions")
class ProjectVersions(MethodView):
    @blp.response(200, ProjectOut(many=True))
    def get(self, case_id):
        """Every saved version of the project, newest first"""
        return casework.list_project_versions(operator_actor_or_404(), checked_id(case_id, "case"))
