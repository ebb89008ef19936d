"""Whose operations a principal may reach by id (REST routes and streams alike).

Operations belong to their owner's username. Users reach only their own: anything else is
reported as not found, so ids never reveal that another user's operation exists. Administrators
reach every operation by id (to follow and cancel anyone's work); listings stay per caller, and
the all-users listing lives under /admin.
"""

from __future__ import annotations

from underway.auth.models import Principal


def owner_scope(principal: Principal) -> str | None:
    """The ``owner=`` to pass to the service for an id-bearing request; None means any owner."""
    return None if principal.is_admin else principal.username


def listing_scope(principal: Principal, everyone: bool) -> str | None:
    """The ``owner=`` of a listing: the caller's own, or (administrators asking for it) everyone's."""
    return None if everyone and principal.is_admin else principal.username
