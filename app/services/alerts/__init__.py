"""The alert service: a rule catalogue evaluated in SQL, reconciled into alerts people work."""
