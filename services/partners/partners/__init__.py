"""Abitare partners service: partner organisations receive the events their convention allows,
filtered to the fields their convention allows."""
