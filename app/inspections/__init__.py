"""Inspections (cuộc thanh tra): their conclusions, the money and land found, and recovery."""
