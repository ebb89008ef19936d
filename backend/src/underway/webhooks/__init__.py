"""Outbound webhooks: endpoints, durable signed deliveries, the SSRF policy.

For receivers, :func:`verify` checks a delivery's Standard Webhooks signature and returns the event.
"""

from underway.webhooks.signing import InvalidSignature, verify

__all__ = ["InvalidSignature", "verify"]
