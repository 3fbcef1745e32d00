"""Experimental-analysis result formats exported by plate readers."""
