"""Clean data out: list results as CSV or XLSX, and the national dashboard's learner records."""
