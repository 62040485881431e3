"""Pages that belong to no single domain: the home page and the language switch."""
