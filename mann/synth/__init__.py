"""Procedural quadruped motion on the real dog's skeleton, to add what the clips lack.

The real clips hold idle, walking, trotting, sitting and lying, but only seconds of fast
motion, hardly any jumping and no standing on the hind legs. This package generates
clips of every gait (walk, pace, trot, canter) over its speed band, turning, and every
action (a running jump, sit, stand on the hind legs, lie) with transitions, in the
real clips' file format and rig convention, labelled with styles and gaits.

Pipeline (one module each): :mod:`~mann.synth.plan` (commands to per-frame controls),
:mod:`~mann.synth.motion` (the body: key-pose blend, root path, gait rhythm),
:mod:`~mann.synth.schedule` (where each paw is: planted, swinging or free),
:mod:`~mann.synth.legs` (leg IK), :mod:`~mann.synth.rig` (joint rotations),
:mod:`~mann.synth.generate` (all of it, labels, files). :mod:`~mann.synth.body` holds
the skeleton and key poses, :mod:`~mann.synth.gaits` the footfall patterns,
:mod:`~mann.synth.actions` the actions' timing, :mod:`~mann.synth.roam` random command
sequences. Command lines: ``python -m mann.synth`` (generate clips),
``python -m mann.synth.compare`` (against the real dog), ``python -m mann.synth.render``
(pictures). Everything needs the shared dog data at run time.
"""

from mann.synth.body import load_body
from mann.synth.generate import SynthClip, generate, save_synth
from mann.synth.plan import Segment
from mann.synth.rig import load_rig
from mann.synth.roam import roam

__all__ = ["Segment", "SynthClip", "generate", "load_body", "load_rig", "roam", "save_synth"]
