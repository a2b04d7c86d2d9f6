"""Ofsted's Annex A lists, built from the records for a period (returns/data/annex_a.toml)."""
