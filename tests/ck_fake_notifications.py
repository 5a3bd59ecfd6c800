#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fake desktop notification server for the tests, on a session bus of
their own.

As a program (`ck_fake_notifications.py LOG`), it owns
org.freedesktop.Notifications on $DBUS_SESSION_BUS_ADDRESS and implements
the Desktop Notifications Specification's methods: every Notify call is
appended to LOG as one JSON line (written and flushed before the reply, so
a client that has its reply finds it there). A test-only method,
InvokeAction(id, action_key), emits ActionInvoked as a server does when
the user clicks, so that an app's notification action can be followed.

As a module, `PrivateBus` runs a dbus-daemon of the test's own with this
server on it and waits until the server owns its name (watching the name
on the bus, with a deadline; never a fixed sleep).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
XML = """
<node>
  <interface name="org.freedesktop.Notifications">
    <method name="GetCapabilities"><arg type="as" direction="out"/></method>
    <method name="Notify">
      <arg type="s" direction="in"/><arg type="u" direction="in"/>
      <arg type="s" direction="in"/><arg type="s" direction="in"/>
      <arg type="s" direction="in"/><arg type="as" direction="in"/>
      <arg type="a{sv}" direction="in"/><arg type="i" direction="in"/>
      <arg type="u" direction="out"/>
    </method>
    <method name="CloseNotification"><arg type="u" direction="in"/></method>
    <method name="GetServerInformation">
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
      <arg type="s" direction="out"/><arg type="s" direction="out"/>
    </method>
    <method name="InvokeAction">
      <arg type="u" direction="in"/><arg type="s" direction="in"/>
    </method>
    <signal name="NotificationClosed"><arg type="u"/><arg type="u"/></signal>
    <signal name="ActionInvoked"><arg type="u"/><arg type="s"/></signal>
  </interface>
</node>
"""


def _plain(value):
    """A GVariant hint as JSON can hold it."""
    if isinstance(value, GLib.Variant):
        value = value.unpack()
    if isinstance(value, bytes):
        return list(value)
    return value


def serve(log_path):
    loop = GLib.MainLoop()
    node = Gio.DBusNodeInfo.new_for_xml(XML)
    state = {"next": 1}

    def on_call(connection, sender, path, interface, method, params, invocation):
        if method == "GetCapabilities":
            invocation.return_value(GLib.Variant("(as)", (["body", "actions"],)))
        elif method == "GetServerInformation":
            invocation.return_value(GLib.Variant("(ssss)", ("fake", "certkeeper-tests", "1", "1.2")))
        elif method == "Notify":
            app, replaces, icon, summary, body, actions, hints, timeout = params.unpack()
            nid = replaces or state["next"]
            state["next"] += 1
            record = {"id": nid, "app_name": app, "replaces_id": replaces, "app_icon": icon,
                      "summary": summary, "body": body, "actions": list(actions),
                      "hints": {k: _plain(v) for k, v in hints.items()},
                      "expire_timeout": timeout, "sender": sender}
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")
                f.flush()
                os.fsync(f.fileno())
            invocation.return_value(GLib.Variant("(u)", (nid,)))
        elif method == "CloseNotification":
            (nid,) = params.unpack()
            connection.emit_signal(None, PATH, NAME, "NotificationClosed",
                                   GLib.Variant("(uu)", (nid, 3)))
            invocation.return_value(None)
        elif method == "InvokeAction":
            nid, key = params.unpack()
            connection.emit_signal(None, PATH, NAME, "ActionInvoked",
                                   GLib.Variant("(us)", (nid, key)))
            invocation.return_value(None)

    def on_bus(connection, name):
        connection.register_object(PATH, node.interfaces[0], on_call, None, None)

    def on_lost(connection, name):
        loop.quit()

    Gio.bus_own_name(Gio.BusType.SESSION, NAME, Gio.BusNameOwnerFlags.NONE,
                     on_bus, None, on_lost)
    loop.run()


def wait_for_name(connection, name, timeout_s, present=True):
    """Blocks until @name has an owner (or none, @present False) on
    @connection, or fails after @timeout_s seconds."""
    loop = GLib.MainLoop()
    seen = {"owned": None}

    def appeared(conn, n, owner):
        seen["owned"] = True
        if present:
            loop.quit()

    def vanished(conn, n):
        seen["owned"] = False
        if not present:
            loop.quit()

    def deadline():
        loop.quit()
        return GLib.SOURCE_REMOVE

    watch = Gio.bus_watch_name_on_connection(connection, name, Gio.BusNameWatcherFlags.NONE,
                                             appeared, vanished)
    timer = GLib.timeout_add_seconds(int(timeout_s), deadline)
    loop.run()
    Gio.bus_unwatch_name(watch)
    if seen["owned"] is present:
        GLib.source_remove(timer)
        return
    raise RuntimeError(f"{name} {'not owned' if present else 'still owned'} after {timeout_s} s")


class PrivateBus:
    """A dbus-daemon for one test, with the fake notification server; or,
    with @own_daemon False, the server alone on the session bus the test
    runs on already (dbus-run-session: the GUI tests, whose accessibility
    bus is found through it)."""

    def __init__(self, timeout_s=60, own_daemon=True):
        self.timeout_s = timeout_s
        self.own_daemon = own_daemon
        self.dir = tempfile.mkdtemp(prefix="ck-fake-bus-")
        self.log = os.path.join(self.dir, "notifications.jsonl")
        self.daemon = None
        self.server = None
        self.address = None
        self.connection = None

    @staticmethod
    def available():
        return shutil.which("dbus-daemon") is not None

    def __enter__(self):
        if self.own_daemon:
            self.daemon = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                                            "--print-address=1"],
                                           stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
            # The daemon writes its address once it listens: a state.
            self.address = self.daemon.stdout.readline().decode().strip()
            if not self.address:
                raise RuntimeError("dbus-daemon gave no address")
        else:
            self.address = os.environ["DBUS_SESSION_BUS_ADDRESS"]
        self.env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.address)
        self.connection = Gio.DBusConnection.new_for_address_sync(
            self.address,
            Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT |
            Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION, None, None)
        if not self.own_daemon:
            owner = self.connection.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus",
                                              "org.freedesktop.DBus", "NameHasOwner",
                                              GLib.Variant("(s)", (NAME,)), None,
                                              Gio.DBusCallFlags.NONE, -1, None)
            if owner.unpack()[0]:
                raise RuntimeError(f"{NAME} is owned already on this bus: a real "
                                   "notification server would show the test's notifications")
        self.server = subprocess.Popen([sys.executable, os.path.abspath(__file__), self.log],
                                       env=self.env, stdin=subprocess.DEVNULL)
        wait_for_name(self.connection, NAME, self.timeout_s)
        return self

    def notifications(self):
        if not os.path.exists(self.log):
            return []
        with open(self.log, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def wait_for_notifications(self, count):
        """Waits for @count notifications in all (looking at the log as it
        changes, until the deadline): returns them."""
        loop = GLib.MainLoop()
        context = {"found": self.notifications(), "timed_out": False}

        def look():
            context["found"] = self.notifications()
            if len(context["found"]) >= count:
                loop.quit()
                return GLib.SOURCE_REMOVE
            return GLib.SOURCE_CONTINUE

        def deadline():
            context["timed_out"] = True
            loop.quit()
            return GLib.SOURCE_REMOVE

        if len(context["found"]) < count:
            poll = GLib.timeout_add(50, look)
            timer = GLib.timeout_add_seconds(int(self.timeout_s), deadline)
            loop.run()
            for source in (poll, timer):
                if GLib.MainContext.default().find_source_by_id(source) is not None:
                    GLib.source_remove(source)
        if len(context["found"]) < count:
            raise RuntimeError(f"{len(context['found'])} notifications after {self.timeout_s} s, "
                               f"expected {count}")
        return context["found"]

    def invoke(self, nid, action_key):
        """As if the user clicked @action_key ("default": the body)."""
        self.connection.call_sync(NAME, PATH, NAME, "InvokeAction",
                                  GLib.Variant("(us)", (nid, action_key)), None,
                                  Gio.DBusCallFlags.NONE, self.timeout_s * 1000, None)

    def __exit__(self, *exc):
        if self.connection is not None:
            try:
                self.connection.close_sync(None)
            except GLib.Error:
                pass
        for proc in (self.server, self.daemon):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        if self.daemon is not None and self.daemon.stdout is not None:
            self.daemon.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return False


if __name__ == "__main__":
    serve(sys.argv[1])
