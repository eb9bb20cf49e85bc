"""Quick order from a file (C3, C4, D1–D5): reading files and pasted text into order rows."""
