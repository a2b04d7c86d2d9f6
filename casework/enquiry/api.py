def register(router):
    """Add this part of the pathway's API viewsets to the /api/v1/ router."""
