"""Runtime services that run beside a pipeline (execution and viewer servers)."""
