"""``/api/v1/fotografia`` and ``/api/v1/fotografia.csv``: counts of the referrals received in a
period (seed 003's Fotografia), within your comuni. Operators only."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import casework
from ..fotografia import csv_filename, to_csv
from .access import operator_actor_or_404
from .case_schemas import FotografiaArgs, FotografiaOut

blp = Blueprint(
    "fotografia",
    __name__,
    url_prefix="/api/v1",
    description="The Fotografia: counts of referrals in a period",
)


@blp.before_request
def authenticate():
    operator_actor_or_404()


def fetch(args) -> dict:
    return casework.get_fotografia(
        operator_actor_or_404(),
        args["date_from"].isoformat(),
        args["date_to"].isoformat(),
        args["comune"],
    )


@blp.route("/fotografia")
class Fotografia(MethodView):
    @blp.arguments(FotografiaArgs, location="query")
    @blp.response(200, FotografiaOut)
    def get(self, args):
        """Counts by referring body, problem, housing situation, household, comune, grade,
        outcome (`from`, `to` inclusive, ISO dates)"""
        return fetch(args)


@blp.route("/fotografia.csv")
class FotografiaCsv(MethodView):
    @blp.arguments(FotografiaArgs, location="query")
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        description="UTF-8 CSV: header `dimension,value,count`, then one row per "
        "(dimension, value, count); the first row is the total",
    )
    def get(self, args):
        """The Fotografia as CSV"""
        filename = csv_filename(args["date_from"], args["date_to"], args["comune"])
        return Response(
            to_csv(fetch(args)),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
            content_type="text/csv; charset=utf-8",
        )
