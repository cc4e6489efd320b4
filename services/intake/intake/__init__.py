"""Abitare intake: receives referrals (schede di attivazione) from the comuni."""
