"""Benchmarks of sharedfactory: figures are ratios against peers measured in the same run."""
