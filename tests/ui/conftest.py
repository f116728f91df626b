"""UI tests drive the real app through Textual's Pilot at a fixed terminal size."""
