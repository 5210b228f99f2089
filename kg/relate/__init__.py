"""Relations: the facts a linked page states, each with its evidence sentence."""
