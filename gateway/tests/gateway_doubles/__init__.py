"""Test doubles of the gateway's tests (test code: nothing in ``abitare_gateway`` imports it).

- :class:`FakeRpcClient` records calls and answers from handlers (canned answers of funds,
  housing_stock, partners; failures of any service);
- :class:`InProcessIntake` is the real intake service behind it, without a broker;
- :class:`InProcessPartners` the real partners service, likewise (the webhook tests);
- :class:`InProcessFunds` the real funds service, likewise (the Fondo Affitto tests).
"""

from .funds import InProcessFunds
from .intake import InProcessIntake
from .partners import InProcessPartners
from .rpc import FakeRpcClient, RecordedCall

__all__ = [
    "FakeRpcClient",
    "InProcessFunds",
    "InProcessIntake",
    "InProcessPartners",
    "RecordedCall",
]
