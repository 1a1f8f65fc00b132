"""Domain logic of the LRS: writes (statements, documents, credentials) and reads (selectors)."""
