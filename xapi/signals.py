"""Signals sent on commit when statements are stored or voided."""
