"""What every benchmark here shares: order statistics and the printed comparison (stats),
the machine and the code measured (host), the CPU meter (cpu), PostgreSQL schemas (postgres).

Every figure is a wall-clock time on a shared machine, so each is printed beside a
baseline measured in the same run, and the ratio is the figure to read.
"""
