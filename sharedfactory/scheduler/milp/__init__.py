"""Disjunctive MILP (exact to the minute); the only module that imports PuLP.

Variables: y[t,o] one binary per placement option (machine + window), s[t] integer start,
z[r] served, ord[t,u] pairwise order for tasks that can meet on a machine or operator,
v[t,k,w] operator k in shift w, and T[r], K[r], Cmax for the objective terms.
"""

from sharedfactory.scheduler.milp.model import MilpOutcome, Progress
from sharedfactory.scheduler.milp.resources import build_model
from sharedfactory.scheduler.milp.run import solve_milp

__all__ = ["MilpOutcome", "Progress", "build_model", "solve_milp"]
