"""The suggestions API: mounted at /api/v1/suggestions/ (``SuggestionsConfig.api_urls``)."""
