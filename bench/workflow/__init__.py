"""The workflow benchmark's parts: the workload (copies) and the two paths measured (paths)."""
