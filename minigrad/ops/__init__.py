"""Differentiable primitives (``Op`` subclasses) grouped by kind; ``minigrad.tensor`` calls them."""
