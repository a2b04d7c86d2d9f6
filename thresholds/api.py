def register(router):
    """Add the thresholds API to the /api/v1/ router."""
