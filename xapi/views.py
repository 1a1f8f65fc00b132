"""HTTP endpoints of the LRS."""
