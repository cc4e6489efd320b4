"""marshmallow at the edge: RPC inputs and outputs (referrals, cases)."""
