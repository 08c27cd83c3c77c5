"""Pure telemetry analytics: state intervals, hourly rollups, OEE, quality checks, usage."""
