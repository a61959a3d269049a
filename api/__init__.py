"""The edges: settings, the FastAPI app, the CLI and the worker wiring."""
