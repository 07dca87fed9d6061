"""The site group: every congress's portal as a Wagtail Site with a profile."""
