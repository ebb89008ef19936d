"""The typed progress contract: weighted percent, ETA, coalescing, the event log and live fan-out."""
