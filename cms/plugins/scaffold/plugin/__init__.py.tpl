"""${english_name} (${verbose_name}): a Lianxi plugin."""
