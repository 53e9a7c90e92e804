"""Seller onboarding and listing moderation services (provincial offices)."""
