"""What the core contributes to the registries: nothing yet.

The core owns the pages that read the registries (the front page's sections, the account menu, the
administration page in navigation.py); the domains above it register their parts in their own hooks.py.
"""

from __future__ import annotations
