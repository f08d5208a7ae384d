"""Demo history (filled in below)."""
