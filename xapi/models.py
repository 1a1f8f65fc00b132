"""xAPI statement and document storage (see xapi/README.md)."""
