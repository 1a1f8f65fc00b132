"""Signals other apps listen to, so that lms.people never imports the apps standing on it (.importlinter)."""

from django.dispatch import Signal

# Sent inside the transaction that de-identifies one leaver (lms.people.retention), with
# `person`. Every app that keeps personal data of its own about a person (reports' national ID,
# notices' stored e-mails, ...) removes or clears it in its receiver and returns a dict of
# counts, e.g. {"reports.national_ids_removed": 1}; the counts are kept in the run's record.
person_deidentified = Signal()
