"""Setting up the partnership: the set-up file (`vrp setup`), and the admin pages that add, rename
and close spokes and grant streams and add financial years. Every change is audited."""
