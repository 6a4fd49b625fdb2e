"""Models of the showcase app."""
