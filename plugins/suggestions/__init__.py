"""Motions and suggestions (议案、建议): from a deputy's draft to the rating of the reply."""
