"""Users, roles, sessions and the guards that keep each role in its scope."""
