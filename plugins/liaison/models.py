"""Models of the liaison plugin."""
