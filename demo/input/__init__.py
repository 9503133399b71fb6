"""Input devices to commands: keyboard, gamepad, the one table of bindings."""
