"""Demo data of the reception app (seed_demo)."""
