"""The orchestration layer: the one place that loads a game, applies, stores and
broadcasts. Consumers and views are thin callers of these modules."""
