"""Motion-capture clips: the clip type, rig conventions, readers and writers per format
(data preparation; the runtime never imports this package)."""
