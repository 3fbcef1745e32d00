"""Microscope handlers: one plugin per vendor acquisition format."""
