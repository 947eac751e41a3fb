"""Records resolved into one site: notes anchored in their articles, topics, timeline, provenance."""
