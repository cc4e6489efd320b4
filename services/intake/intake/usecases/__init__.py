"""The intake use cases: one module per capability, each opening its own transaction."""
