def register(router):
    """Add this part's API viewsets to the /api/v1/ router."""
