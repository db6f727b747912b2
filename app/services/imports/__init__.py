"""Bulk imports: files (CSV, XLSX) or JSON rows mapped by a profile onto learners, companies
and contracts, matched idempotently, applied in one transaction of their own."""
