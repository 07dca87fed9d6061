"""Models of the consultations plugin."""
