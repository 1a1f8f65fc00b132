"""Public Python API of the LRS for the rest of the LMS."""
