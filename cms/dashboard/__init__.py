"""The admin's home screen as a cockpit: what needs the user, on the sites they manage."""
