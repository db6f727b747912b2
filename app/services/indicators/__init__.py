"""Indicators (INDICATORS.md): catalogue, values computed in SQL, drill-down, dashboard,
Qualiopi evidence and shareable aggregates."""
