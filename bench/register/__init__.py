"""The register benchmark's parts, one per phase, in the order register_bench.py runs them."""
