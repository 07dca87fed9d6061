"""Example (示例): a Lianxi plugin."""
