"""Registered from AgreementsConfig.ready()."""
