"""What a mock remembers, and time: the store, the clock, rate-limit windows, faults, the request log, saving and restoring."""
