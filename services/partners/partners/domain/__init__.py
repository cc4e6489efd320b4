"""The partner rules, plain Python (no nameko, SQLAlchemy or marshmallow)."""
