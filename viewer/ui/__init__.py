"""Qt widgets and item models over the story model."""
