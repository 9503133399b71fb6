"""Character definitions: one folder per character (package data), one object each.

``mann/characters/<name>/character.json`` defines a character's skeleton (joint names,
parents, paws, legs, mirror pairs, landmarks, how joint frames are rebuilt; see
:mod:`mann.core.skeleton`); ``labels_override.json`` beside it fixes the style labels
of named takes (:mod:`mann.data.labels`). :data:`DOG` is the dog of the MANN data, the
character the network's feature layout is built for (:mod:`mann.features.layout`).
"""

from __future__ import annotations

import json
from importlib import resources

from mann.core.skeleton import Skeleton, skeleton_from_dict


def character_file(name: str, filename: str):
    """A file of character ``name``'s folder (an importlib.resources Traversable)."""
    return resources.files("mann.characters").joinpath(name, filename)


def load_skeleton(name: str) -> Skeleton:
    """The skeleton of character ``name`` from its ``character.json``."""
    path = character_file(name, "character.json")
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise ValueError(f"{path}: not a readable character definition: {e}") from None
    return skeleton_from_dict(definition, str(path))


DOG: Skeleton = load_skeleton("dog")
