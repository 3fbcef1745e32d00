"""Processing libraries whose functions can be used as pipeline steps."""
