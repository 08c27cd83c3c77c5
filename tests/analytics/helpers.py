from sharedfactory.analytics.samples import Sample

T0 = 1_764_547_200_000  # 2025-12-01T00:00:00Z, an hour boundary
SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


def sample(ts_ms, state="running", booking=None, seq=None, counters=None, **values):
    return Sample(
        ts_ms=ts_ms,
        seq=ts_ms // SECOND % 2**32 if seq is None else seq,
        state=state,
        counters=counters or {},
        values=values,
        booking=booking,
    )
