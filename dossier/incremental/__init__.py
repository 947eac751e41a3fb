"""Speed only: what a build keeps for the next one, and work spread over processes.

Nothing in the phases below imports this layer; a reader can skip it."""
