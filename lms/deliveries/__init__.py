"""Durable, idempotent delivery of LRS changes (statement ids) to the LMS's consumers (docs/deliveries.md)."""
