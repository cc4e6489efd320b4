"""Abitare housing_stock service: the housing need of every referred household."""
