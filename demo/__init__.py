"""The interactive demo (pygame + OpenGL). pygame's import banner is not shown: the
demo prints only its own lines."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
