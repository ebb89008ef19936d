"""The durable priority queue: admission limits and the dispatcher that feeds the workers."""
