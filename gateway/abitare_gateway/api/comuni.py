"""``/api/v1/comuni``: the reference list of the comuni of the Città Metropolitana di Milano."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import backend
from ..auth import api_actor
from .schemas import ComuneOut

blp = Blueprint(
    "comuni",
    __name__,
    url_prefix="/api/v1/comuni",
    description="Comuni of the Città Metropolitana di Milano (ISTAT codes)",
)


@blp.before_request
def authenticate():
    api_actor()


@blp.route("")
class Comuni(MethodView):
    @blp.response(200, ComuneOut(many=True))
    def get(self):
        """List the comuni with their ISTAT codes"""
        return backend.list_comuni(api_actor())
