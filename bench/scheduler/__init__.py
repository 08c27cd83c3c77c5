"""Scheduler benchmarks: public instances, generated weeks, a CP-SAT peer and a runner."""
