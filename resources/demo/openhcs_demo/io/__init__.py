"""Storage backends: where pipeline images are read from and written to."""
