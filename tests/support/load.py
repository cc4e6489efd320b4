"""Load as a careful municipal system sends it: every referral retried with the same
Idempotency-Key on 5xx and connection errors until it is accepted."""

from __future__ import annotations

import time

import requests

from tests.support.data import referral


def submit_with_retries(
    base_url: str, token: str, index: int, deadline: float, istat: str = "015195"
) -> tuple[str, int]:
    """(referral id, attempts) of referral ``index``; fails if it is not accepted by ``deadline``."""
    payload = referral(istat, members=1, n=index)
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"load-{index}"}
    attempts = 0
    while time.monotonic() < deadline:
        attempts += 1
        try:
            response = requests.post(
                f"{base_url}/api/v1/referrals", json=payload, headers=headers, timeout=30
            )
            if response.status_code in (200, 201):
                return response.json()["id"], attempts
            assert response.status_code >= 500, response.text
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise AssertionError(f"referral {index} never accepted")
