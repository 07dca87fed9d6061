"""Public consultation on draft regulations and calls for legislative and supervision topics (征求意见)."""
