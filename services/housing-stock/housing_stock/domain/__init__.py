"""The housing rules, plain Python (no nameko, SQLAlchemy or marshmallow)."""
