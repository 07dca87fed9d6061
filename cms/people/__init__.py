"""People in the core: who a staff account belongs to (name and unit)."""
