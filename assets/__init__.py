"""Shipped files, installed as the package ``mann.assets``: the default model
(``dog_default.npz``) and its card (``dog_default.md``). See :mod:`mann.core.paths`."""
