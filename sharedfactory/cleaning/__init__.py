"""Cleaning and changeover records: halal evidence with an uploaded photo or document."""
