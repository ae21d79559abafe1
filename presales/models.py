"""Pre-sales requests, exceptions and trial channels (R9) live here."""
