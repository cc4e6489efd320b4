"""Abitare funds service: one funds file per referral, opened with the rent affordability check."""
