"""The worker edge: RQ wiring, the worker process's runtime and the thin jobs."""
