#!/usr/bin/python3
"""A real OS drag source for the end-to-end tests: a small GTK3 window that offers the paths
given on the command line as text/uri-list, the way a file manager does. xdotool presses on it,
moves to the app's window and releases, so the app receives a genuine X11 drag and drop.

Usage: drag_source.py X Y PATH...   (the window is placed with its top-left corner at X,Y and
prints "ready" once it is mapped). Needs Debian's python3-gi (run with /usr/bin/python3)."""

import sys
from pathlib import Path

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main() -> None:
    x, y = int(sys.argv[1]), int(sys.argv[2])
    uris = [Path(p).resolve().as_uri() for p in sys.argv[3:]]
    window = Gtk.Window(title="stowage-drag-source")
    window.set_decorated(False)
    window.set_default_size(120, 80)
    window.move(x, y)
    label = Gtk.EventBox()
    label.add(Gtk.Label(label=f"{len(uris)} file(s)"))
    label.drag_source_set(
        Gdk.ModifierType.BUTTON1_MASK,
        [Gtk.TargetEntry.new("text/uri-list", 0, 0)],
        Gdk.DragAction.COPY,
    )

    def on_get(_widget, _context, data, _info, _time):
        data.set_uris(uris)

    label.connect("drag-data-get", on_get)
    label.connect("drag-end", lambda *_: GLib.timeout_add(300, Gtk.main_quit))
    window.add(label)
    window.connect("destroy", Gtk.main_quit)

    def ready(*_):
        print("ready", flush=True)
        return False

    window.connect("map-event", lambda *_: GLib.timeout_add(200, ready))
    window.show_all()
    # Never outlive a test that failed halfway.
    GLib.timeout_add_seconds(120, Gtk.main_quit)
    Gtk.main()


if __name__ == "__main__":
    main()
