"""Member organisations: the register and the public directory."""
