"""GENBO, the collaboration portal of the Familjen Helsingborg municipalities."""
