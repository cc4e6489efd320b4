"""Test doubles of the gateway's tests (test code: nothing in ``abitare_gateway`` imports it).

- :class:`FakeRpcClient` records calls and answers from handlers (canned answers of funds,
  housing_stock, partners; failures of any service);
- :class:`InProcessIntake` is the real intake service behind it, without a broker.
"""

from .intake import InProcessIntake
from .rpc import FakeRpcClient, RecordedCall

__all__ = ["FakeRpcClient", "InProcessIntake", "RecordedCall"]
