"""Publication review (信息发布审查): sensitive words, the automatic check, workflows."""
