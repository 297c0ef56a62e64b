"""Accounts, roles, the one permission check and sign-in.

Every route declares the permission it needs with ``@permission_required`` (or ``@public``);
``enforce_permissions`` runs before every request and refuses any endpoint that declares neither,
so a forgotten decorator fails closed. Spoke leads are scoped to their own spoke by
``auth.scoping``.
"""
