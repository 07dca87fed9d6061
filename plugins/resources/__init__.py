"""Resources (知情知政): what deputies need to know, for the audience it is meant for."""
