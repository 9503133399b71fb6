"""CUDA graphs for the per-frame call: capture once per batch size, replay every frame.

On a GPU one MANN prediction is a few dozen small kernels (normalise, gate, three
expert layers, denormalise); launching them one by one from Python costs more than
running them. A CUDA graph records the launches once and replays them with one call.
The graph reads its input from, and writes its output to, fixed device buffers, so a
replay's input is copied into ``x`` and its outputs must be copied out before the next
replay (``Model.predict`` does this).
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from mann.features.layout import INPUT_SIZE

WARMUP_RUNS = 3  # eager runs on a side stream before capture (allocator and kernels warm)


class GraphedCall:
    """``fn(x (B, 480)) -> tuple of tensors`` captured as a CUDA graph for one batch size.

    ``__call__(x)`` copies ``x`` into the static input, replays and returns the static
    outputs (overwritten by the next call: copy them out first).
    """

    def __init__(self, fn: Callable, batch: int, device: torch.device) -> None:
        if device.type != "cuda":
            raise ValueError(f"CUDA graphs need a CUDA device, not {device}")
        self.x = torch.zeros(batch, INPUT_SIZE, device=device)
        side = torch.cuda.Stream(device)
        side.wait_stream(torch.cuda.current_stream(device))
        with torch.cuda.stream(side):
            for _ in range(WARMUP_RUNS):
                fn(self.x)
        torch.cuda.current_stream(device).wait_stream(side)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.outputs = fn(self.x)

    def __call__(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        self.x.copy_(x, non_blocking=True)
        self.graph.replay()
        return self.outputs
