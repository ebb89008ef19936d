"""Operations: a submitted run of a workflow, its lifecycle and the service that drives it."""
