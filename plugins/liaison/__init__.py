"""Citizens write to deputies, committee members keep in touch with deputies, stations and groups reach people (联系群众)."""
