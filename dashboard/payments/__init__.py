"""Payments (issue 9): reconciliation of the money rails, its cases, payment health."""
