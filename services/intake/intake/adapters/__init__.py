"""What intake talks to outside itself: storage (ORM models), published events, reference data."""
