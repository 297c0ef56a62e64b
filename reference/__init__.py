"""Reference data: organisations (OPCC, Hub, spokes, later providers), grant streams, years."""
