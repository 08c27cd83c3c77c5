"""Utilisation and OEE reports for the ministry: pure figures (planned.py, utilisation.py), the
database reads (load.py, rollups only), the exports (exports.py, pdf.py) and the API (api.py)."""
