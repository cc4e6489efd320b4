"""The intake rules in plain Python: no nameko, SQLAlchemy or marshmallow here."""
