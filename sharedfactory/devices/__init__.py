"""Device side of telemetry: MQTT topics, wire messages and a simulated machine."""
