"""Background jobs: long work (the 903 check, import, download; reports) run by a worker process,
with its step and percentage on the page while it runs. See docs/architecture.md "Background jobs"."""
