"""Measurements (`make bench`): each module runs as a script and imports as `bench.<name>`."""
