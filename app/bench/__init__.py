"""Benchmark support: the fast data generator behind `flask demo generate` (docs/deploy.md, bench/)."""
