"""The funds rules, plain Python (no nameko, SQLAlchemy or marshmallow)."""
