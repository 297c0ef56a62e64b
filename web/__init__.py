"""Web plumbing shared by every blueprint: template helpers and error pages."""
