"""Per-batch quality records: sealed from a run's telemetry, a PDF with a
QR code, verifiable by anyone holding its link."""
