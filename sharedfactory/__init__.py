"""sharedfactory: software for Indonesia's shared production houses (rumah produksi bersama)."""

__version__ = "0.1.0"
