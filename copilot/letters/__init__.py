"""Customer confirmation letters: what they state, how they arrive, and the negotiation gate."""
