"""Staffing, load state and proactive notices (R7) live here."""
