"""SVG snapshot tests of the explorer at a fixed terminal size (160x48)."""
