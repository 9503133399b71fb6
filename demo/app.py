"""The demo application: window, fixed-step loop, input, drawing.

App state lives in a few dataclasses owned by :class:`App`. The update step advances
the simulation and never calls GL; the draw step reads the simulation and never
changes it. One frame is: tick the clock, handle events, run the due fixed steps,
move the camera, draw, present.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np
import pygame

from demo import camera as cam_math
from demo import window
from demo.input.bindings import pad_ui_commands, ui_command
from demo.input.mapping import (
    GAMEPAD_LEGEND,
    KEYBOARD_LEGEND,
    Intent,
    PadState,
    camera_rates,
    keyboard_intent,
    merge_intents,
    pad_intent,
)
from demo.options import Options
from demo.render.frame import VIEWS, Frame, SceneFlags, compose, with_view
from demo.sim import SIM_DT, Backend, Simulation
from mann.control.commands import ACTIONS, GAITS

SLOW_FACTOR = 0.25
MAX_FRAME_DT = 0.25  # s: a longer stall is not caught up (no spiral of death)
MAX_STEPS_PER_FRAME = 4
NOTICE_SECONDS = 3.0
FRAME_CAP_HZ = 240  # without vsync, do not spin faster than this


@dataclass
class ClockState:
    paused: bool = False
    slow: bool = False
    step_once: bool = False
    accumulator: float = 0.0  # simulated seconds owed to the fixed-step loop
    last_time: float | None = None


@dataclass
class ViewState:
    camera: cam_math.Camera = field(default_factory=cam_math.Camera)
    flags: SceneFlags = field(default_factory=SceneFlags)
    show_hud: bool = True
    fullscreen: bool = False
    size: tuple[int, int] = (1280, 720)
    dragging: bool = False


@dataclass
class InputState:
    keys: set[int] = field(default_factory=set)
    pad: PadState | None = None
    device: str = "keyboard"  # the device last used: its legend is shown
    notice: str = ""
    notice_until: float = 0.0


@dataclass
class Control:
    running: bool = True
    reset_requested: bool = False
    frames: int = 0  # frames drawn


@dataclass
class Stats:
    frame_s: deque = field(default_factory=lambda: deque(maxlen=120))
    draw_ms: list[float] = field(default_factory=list)
    update_ms: list[float] = field(default_factory=list)
    network_ms: list[float] = field(default_factory=list)  # the network's share of update
    view_ms: dict[str, list[float]] = field(default_factory=dict)  # benchmarked views


def steps_due(clock: ClockState, real_dt: float) -> int:
    """Fixed steps to run for ``real_dt`` seconds of wall time; updates the clock."""
    if clock.paused:
        clock.accumulator = 0.0
        n, clock.step_once = int(clock.step_once), False
        return n
    clock.accumulator += min(real_dt, MAX_FRAME_DT) * (SLOW_FACTOR if clock.slow else 1.0)
    n = int(clock.accumulator / SIM_DT + 1e-9)
    clock.accumulator -= n * SIM_DT
    if n > MAX_STEPS_PER_FRAME:
        # The machine cannot keep up: run slower than real time instead of piling up
        # a backlog that would make every later frame slower still.
        n, clock.accumulator = MAX_STEPS_PER_FRAME, 0.0
    return n


def percentile_summary(ms: list[float]) -> tuple[float, float]:
    """(mean, 95th percentile) of a list of milliseconds."""
    a = np.asarray(ms, np.float64)
    return float(a.mean()), float(np.percentile(a, 95))


class App:
    def __init__(self, options: Options, backend: Backend, model, script=None):
        self.options = options
        self.headless = options.headless
        self.clock = ClockState()
        self.view = ViewState(
            camera=cam_math.for_herd(options.characters),
            flags=with_view(SceneFlags(), options.view),
            size=(options.width, options.height),
        )
        self.input = InputState()
        self.control = Control()
        self.stats = Stats()
        self.sim = Simulation(backend, model, options.characters, script)
        from demo.body.load import load_body

        # Before the window, so that errors exit early; on the controller's own rest pose.
        self.body_model = load_body(options.mesh, self.sim.controller.rest.pos)
        self.gl_info = window.open_window(options.width, options.height, options.headless)
        # After the window, which picks PyOpenGL's platform: nothing imported above
        # loads OpenGL (demo.render.renderer is the first that does).
        from demo.render.renderer import Renderer

        self.renderer = Renderer(self.body_model, self.view.size if self.headless else None)
        self.gamepads = None
        self.frame_cap = pygame.time.Clock()
        if not self.headless:
            from demo.input.gamepad import Gamepads

            self.gamepads = Gamepads()

    # ---- the frame -------------------------------------------------------------
    def run(self, recorder=None) -> None:
        """Run until quit (interactive) or for options.frames frames (headless)."""
        try:
            while self.control.running:
                self.frame(recorder)
        finally:
            self.close()

    def frame(self, recorder=None) -> None:
        real_dt = self.tick()
        self.handle_events()
        n = 1 if self.headless else steps_due(self.clock, real_dt)
        for _ in range(n):
            self.update()
        self.move_camera(SIM_DT if self.headless else real_dt)
        self.draw()
        self.present(recorder)

    def tick(self) -> float:
        now = time.perf_counter()
        last, self.clock.last_time = self.clock.last_time, now
        dt = 0.0 if last is None else now - last
        if last is not None:
            self.stats.frame_s.append(dt)
        return dt

    # ---- events (input and UI; requests only, no simulation change) -------------
    def handle_events(self) -> None:
        for event in pygame.event.get():
            if event.type == pygame.QUIT:
                self.control.running = False
            elif self.headless:
                continue  # headless runs take no interactive input
            elif event.type == pygame.KEYDOWN:
                self.input.device = "keyboard"
                self.input.keys.add(event.key)
                self.on_key(event.key)
            elif event.type == pygame.KEYUP:
                self.input.keys.discard(event.key)
            elif event.type == pygame.WINDOWFOCUSLOST:
                self.input.keys.clear()
            else:
                self.on_mouse_or_pad(event)
        if self.gamepads is not None:
            before = self.input.pad.buttons if self.input.pad is not None else frozenset()
            self.input.pad = self.gamepads.state()
            if self.input.pad is not None and self.input.pad.is_active():
                self.input.device = "gamepad"
            if self.input.pad is not None:  # Start pauses, Back resets: once per press
                for command in pad_ui_commands(self.input.pad.buttons - before):
                    self.on_command(command)
        self.view.size = self.view.size if self.headless else window.drawable_size()

    def on_key(self, key: int) -> None:
        command = ui_command(key)
        if command is not None:
            self.on_command(command)

    def on_command(self, command: str) -> None:
        """A user-interface command of :mod:`demo.input.bindings` (keys, pad buttons)."""
        c, v = self.clock, self.view
        if command == "quit":
            self.control.running = False
        elif command == "fullscreen":
            window.toggle_fullscreen()
            v.fullscreen = not v.fullscreen
        elif command == "pause":
            c.paused = not c.paused
        elif command == "step" and c.paused:
            c.step_once = True
        elif command == "slow":
            c.slow = not c.slow
        elif command == "reset":
            self.control.reset_requested = True
        elif command == "velocities":
            v.flags = replace(v.flags, show_velocities=not v.flags.show_velocities)
        elif command == "trajectory":
            v.flags = replace(v.flags, show_trajectory=not v.flags.show_trajectory)
        elif command == "hud":
            v.show_hud = not v.show_hud
        elif command == "view":
            view = VIEWS[(VIEWS.index(v.flags.view) + 1) % len(VIEWS)]
            v.flags = with_view(v.flags, view)
            self.input.notice, self.input.notice_until = f"view: {view}", time.perf_counter() + 2
        elif command == "next_dog":
            v.flags = replace(v.flags, selected=(v.flags.selected + 1) % self.sim.num)

    def on_mouse_or_pad(self, event) -> None:
        v = self.view
        if event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            v.dragging = True
        elif event.type == pygame.MOUSEBUTTONUP and event.button in (1, 3):
            v.dragging = False
        elif event.type == pygame.MOUSEMOTION and v.dragging:
            dx, dy = event.rel
            k = cam_math.MOUSE_RADIANS_PER_PIXEL
            cam_math.orbit(v.camera, -dx * k, dy * k)
        elif event.type == pygame.MOUSEWHEEL:
            cam_math.zoom(v.camera, event.y)
        elif self.gamepads is not None:
            notice = self.gamepads.handle(event)
            if notice:
                self.input.notice = notice
                self.input.notice_until = time.perf_counter() + NOTICE_SECONDS

    # ---- update (simulation only; never GL) ------------------------------------
    def live_intent(self) -> Intent | None:
        if self.headless:
            return None
        kb = keyboard_intent(self.input.keys)
        pad = None
        if self.input.pad is not None:
            yaw = float(self.sim.state.root_yaw[self.view.flags.selected])
            pad = pad_intent(self.input.pad, self.view.camera.yaw, yaw)
        return merge_intents(kb, pad)

    def update(self) -> None:
        t0 = time.perf_counter()
        if self.control.reset_requested:
            self.sim.reset()
            self.control.reset_requested = False
        self.sim.step(self.live_intent(), self.view.flags.selected)
        self.stats.update_ms.append(1000 * (time.perf_counter() - t0))
        self.stats.network_ms.append(float(self.sim.state.network_ms))

    def move_camera(self, dt: float) -> None:
        cam = self.view.camera
        if self.input.pad is not None:
            dyaw, dpitch = camera_rates(self.input.pad)
            cam_math.orbit(cam, dyaw * dt, dpitch * dt)
        i = self.view.flags.selected
        cam_math.follow(cam, np.asarray(self.sim.state.root_pos[i], np.float64), dt)
        if self.headless:
            offset = cam_math.CHASE_YAW if self.sim.num == 1 else cam_math.HERD_YAW
            cam_math.chase(cam, float(self.sim.state.root_yaw[i]) + offset, dt)

    # ---- draw (reads state; never changes the simulation) ----------------------
    def draw(self) -> None:
        views = self.options.views if self.options.bench_frames else ()
        if len(views) < 2:
            self.draw_view()
            return
        keep = self.view.flags
        shift = self.control.frames % len(views)  # alternate who draws first
        for view in views[shift:] + views[:shift]:
            self.view.flags = with_view(keep, view)
            self.draw_view()
            self.stats.view_ms.setdefault(view, []).append(self.stats.draw_ms[-1])
        self.view.flags = keep

    def draw_view(self) -> None:
        t0 = time.perf_counter()
        self.renderer.draw(self.frame_to_draw(), self.view.camera)
        self.stats.draw_ms.append(1000 * (time.perf_counter() - t0))

    def frame_to_draw(self) -> Frame:
        """What this frame shows, from the simulation's state (no GL)."""
        bench = bool(self.options.bench_frames)
        return compose(
            self.sim.state,
            self.view.flags,
            self.view.size,
            self.hud_data() if self.view.show_hud else None,
            # Headless text follows simulated time, and recordings show exact text.
            hud_time=self.sim.time if self.headless else time.perf_counter(),
            hud_now=self.headless and not bench,
            finish=bench,
        )

    def hud_data(self):
        """The HUD's demo.render.hud.HudData (imported here: that module loads OpenGL,
        which must wait for the window)."""
        from demo.render.hud import HudData

        s, i = self.sim.state, self.view.flags.selected
        user = self.sim.last.user
        fps = 1.0 / np.mean(self.stats.frame_s) if self.stats.frame_s else 0.0
        draw = self.stats.draw_ms[-1] if self.stats.draw_ms else 0.0
        info = [
            f"gait {GAITS[int(s.gait[i])]}    action {ACTIONS[user.action]}",
            f"speed {float(s.speed[i]):.2f} m/s   (target {float(s.target_speed[i]):.2f})",
            f"network {float(s.network_ms):.2f} ms   draw {draw:.1f} ms",
            f"{fps:.0f} fps   dog {i + 1} of {self.sim.num}   t {self.sim.time:.1f} s",
        ]
        if self.input.notice and time.perf_counter() < self.input.notice_until:
            info.append(self.input.notice)
        status = "PAUSED  (N: step)" if self.clock.paused else ""
        status = status or ("SLOW MOTION 0.25x" if self.clock.slow else "")
        pad = self.input.device == "gamepad"
        return HudData(
            info=info,
            styles=np.asarray(s.styles[i], np.float64),
            gating=np.asarray(s.gating[i], np.float64),
            contacts=self.sim.contacts,
            legend=GAMEPAD_LEGEND if pad else KEYBOARD_LEGEND,
            legend_title="gamepad" if pad else "keyboard",
            status=status,
        )

    def present(self, recorder=None) -> None:
        self.control.frames += 1
        if self.headless:
            if recorder is not None:
                recorder.add(self.control.frames - 1, self.read_pixels)
            if self.control.frames >= self.options.frames:
                self.control.running = False
        else:
            pygame.display.flip()
            self.frame_cap.tick(FRAME_CAP_HZ)

    def read_pixels(self) -> np.ndarray:
        """The last drawn frame, (H, W, 3) uint8, top row first."""
        return self.renderer.read_pixels(self.view.size)

    def close(self) -> None:
        if self.gamepads is not None:
            self.gamepads.close()
        self.renderer.delete()
        window.close_window()


def bench_report(stats: Stats, options: Options, gl_info: str) -> str:
    """One line per measured step: mean and 95th percentile in ms; with several views
    (``--view mesh,skeleton``) a draw and frame line for each, drawn on the same states."""
    skip = min(10, len(stats.update_ms) // 4)  # the first frames warm up caches
    u_mean, u_p95 = percentile_summary(stats.update_ms[skip:])
    w, h = options.width, options.height
    lines = [
        f"bench: {len(stats.update_ms) - skip} frames at {w}x{h}, {options.characters} "
        f"character(s), {gl_info}"
    ]
    views = stats.view_ms or {options.view: stats.draw_ms}
    frame = {}
    for view, ms in views.items():
        d_mean, d_p95 = percentile_summary(ms[skip:])
        frame[view] = d_mean + u_mean
        lines.append(
            f"draw   mean {d_mean:.2f} ms  p95 {d_p95:.2f} ms  ({view} view)"
            + (f"  [{options.mesh}]" if options.mesh and view != "skeleton" else "")
        )
    n_mean, _ = percentile_summary(stats.network_ms[skip:])
    lines.append(
        f"update mean {u_mean:.2f} ms  p95 {u_p95:.2f} ms  (controller step; the network "
        f"{n_mean:.2f} ms of it, update / network = {u_mean / max(n_mean, 1e-9):.2f})"
    )
    for view, f in frame.items():
        lines.append(f"frame  mean {f:.2f} ms  (~{1000 / max(f, 1e-6):.0f} fps)  ({view} view)")
    if "skeleton" in frame and len(frame) > 1:
        base = frame["skeleton"]
        lines += [
            f"frame  {view} view costs {100 * (f / base - 1):+.0f} % against the skeleton view"
            for view, f in frame.items()
            if view != "skeleton"
        ]
    return "\n".join(lines)
