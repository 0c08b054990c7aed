"""make bench: page loads, throughput and a real browser, measured against the lab."""
