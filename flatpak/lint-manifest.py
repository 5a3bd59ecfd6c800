#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lints the Flatpak manifest against the rest of the tree (meson test
'lint-flatpak-manifest', suite 'data'): flatpak-builder is not in CI, so this
is what notices a manifest that drifted from data/ or widened the sandbox.

Checks: valid JSON; the app id is the one of data/ (desktop file, metainfo,
GSettings schema, meson.build); a GNOME runtime new enough for GTK 4.8 and
libadwaita 1.2; the command is an executable meson installs; the app module
is built with meson from this repository; every finish-arg is on the
allow-list below, and none grants the home directory, the host or a whole
bus.

Usage: lint-manifest.py [SOURCE_ROOT]   (default: the parent of flatpak/)
       lint-manifest.py --self-test [SOURCE_ROOT]
         also checks that broken variants of the manifest are rejected.
"""

import copy
import glob
import json
import os
import re
import sys

# Every finish-arg the manifest may use, and why.
ALLOWED_FINISH_ARGS = {
    '--share=ipc': 'X11 shared memory, needed with fallback-x11',
    '--socket=wayland': 'the window',
    '--socket=fallback-x11': 'the window where there is no Wayland',
    '--device=dri': 'GPU rendering of GTK 4',
    '--filesystem=xdg-run/p11-kit/pkcs11':
        "the host's p11-kit server socket: PKCS#11 tokens (flatpak/README.md)",
}

# Never, whatever the justification: files come through the portals.
FORBIDDEN_PREFIXES = (
    '--filesystem=home', '--filesystem=host', '--filesystem=~',
    '--filesystem=/', '--filesystem=xdg-documents', '--filesystem=xdg-download',
    '--socket=session-bus', '--socket=system-bus', '--socket=x11',
    '--device=all', '--share=network', '--talk-name=org.freedesktop.Flatpak',
)

MIN_GNOME_RUNTIME = 43  # GTK 4.8, libadwaita 1.2, GLib 2.74


def read(root, path):
    with open(os.path.join(root, path), encoding='utf-8') as f:
        return f.read()


def app_ids_in_tree(root):
    """(where, id) for every place in data/ and meson.build naming the app."""
    ids = []
    match = re.search(r"^app_id\s*=\s*'([^']+)'", read(root, 'meson.build'), re.M)
    ids.append(('meson.build app_id', match.group(1) if match else None))
    for path in glob.glob(os.path.join(root, 'data', '*.desktop.in')):
        ids.append((os.path.relpath(path, root),
                    os.path.basename(path)[:-len('.desktop.in')]))
    for path in glob.glob(os.path.join(root, 'data', '*.metainfo.xml.in')):
        text = read(root, os.path.relpath(path, root))
        match = re.search(r'<id>([^<]+)</id>', text)
        ids.append((os.path.relpath(path, root) + ' <id>',
                    match.group(1) if match else None))
        match = re.search(r'<launchable type="desktop-id">([^<]+)\.desktop</launchable>', text)
        ids.append((os.path.relpath(path, root) + ' <launchable>',
                    match.group(1) if match else None))
    for path in glob.glob(os.path.join(root, 'data', '*.gschema.xml')):
        match = re.search(r'<schema[^>]*\bid="([^"]+)"', read(root, os.path.relpath(path, root)))
        ids.append((os.path.relpath(path, root), match.group(1) if match else None))
    return ids


def installed_executables(root):
    """Names of executable() targets with install: true in any meson.build."""
    names = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(('.', 'build', '_build'))]
        if 'meson.build' not in filenames:
            continue
        text = read(root, os.path.relpath(os.path.join(dirpath, 'meson.build'), root))
        for match in re.finditer(r"executable\(\s*'([^']+)'(.*?)\n\)", text, re.S):
            if re.search(r'install\s*:\s*true', match.group(2)):
                names.add(match.group(1))
    return names


def lint(manifest, root):
    """Returns the problems found, one sentence each; empty when fine."""
    problems = []
    app_id = manifest.get('id') or manifest.get('app-id')
    if not app_id:
        problems.append('no "id" (or "app-id")')
    for where, other in app_ids_in_tree(root):
        if other != app_id:
            problems.append(f'app id "{app_id}" differs from "{other}" in {where}')

    if manifest.get('runtime') != 'org.gnome.Platform':
        problems.append(f'runtime is "{manifest.get("runtime")}", not org.gnome.Platform')
    if manifest.get('sdk') != 'org.gnome.Sdk':
        problems.append(f'sdk is "{manifest.get("sdk")}", not org.gnome.Sdk')
    version = str(manifest.get('runtime-version', ''))
    if not version.isdigit() or int(version) < MIN_GNOME_RUNTIME:
        problems.append(f'runtime-version "{version}" is not a GNOME release '
                        f'>= {MIN_GNOME_RUNTIME} (GTK 4.8, libadwaita 1.2)')

    command = manifest.get('command')
    executables = installed_executables(root)
    if command not in executables:
        problems.append(f'command "{command}" is not an installed executable '
                        f'(meson installs: {", ".join(sorted(executables)) or "none"})')

    finish_args = manifest.get('finish-args', [])
    if len(set(finish_args)) != len(finish_args):
        problems.append('finish-args has duplicates')
    for arg in finish_args:
        if arg.startswith(FORBIDDEN_PREFIXES):
            problems.append(f'finish-arg {arg} is forbidden: files come through '
                            'the file chooser portal, and no bus or host access is needed')
        elif arg not in ALLOWED_FINISH_ARGS:
            problems.append(f'finish-arg {arg} is not on the allow-list in '
                            f'{os.path.basename(__file__)}; add it there with a reason')

    modules = manifest.get('modules', [])
    app_module = modules[-1] if modules else None
    if not isinstance(app_module, dict):
        problems.append('no module builds the app (the last module must be this repository)')
    else:
        if app_module.get('buildsystem') != 'meson':
            problems.append('the app module is not built with meson')
        sources = app_module.get('sources', [])
        if not any(s.get('type') == 'dir' and os.path.normpath(s.get('path', '')) == '..'
                   for s in sources if isinstance(s, dict)):
            problems.append('the app module is not built from this repository '
                            '({"type": "dir", "path": ".."})')
        if '-Dtests=false' not in app_module.get('config-opts', []):
            problems.append('the app module should build with -Dtests=false '
                            '(the tests need tools the runtime lacks)')
    return problems


def self_test(manifest, root):
    """Each variant breaks one rule; lint() must notice every one."""
    def variant(change):
        m = copy.deepcopy(manifest)
        change(m)
        return m

    cases = {
        'wrong app id': variant(lambda m: m.update(id='org.example.Other')),
        'old runtime': variant(lambda m: m.update({'runtime-version': '42'})),
        'KDE runtime': variant(lambda m: m.update(runtime='org.kde.Platform')),
        'command not installed': variant(lambda m: m.update(command='certkeeper-gui')),
        'home access': variant(lambda m: m['finish-args'].append('--filesystem=home')),
        'host access': variant(lambda m: m['finish-args'].append('--filesystem=host:ro')),
        'session bus': variant(lambda m: m['finish-args'].append('--socket=session-bus')),
        'unlisted arg': variant(lambda m: m['finish-args'].append('--socket=pulseaudio')),
        'no app module': variant(lambda m: m.update(modules=[])),
        'other source': variant(lambda m: m['modules'][-1].update(
            sources=[{'type': 'git', 'url': 'https://example.org/x.git'}])),
    }
    failed = 0
    for name, broken in cases.items():
        problems = lint(broken, root)
        print(f'{"ok" if problems else "not ok"} - self-test: {name} is rejected'
              + (f' ({problems[0]})' if problems else ''))
        failed += not problems
    return failed


def main(argv):
    args = [a for a in argv[1:] if a != '--self-test']
    root = os.path.abspath(args[0] if args else
                           os.path.join(os.path.dirname(__file__), '..'))
    path = os.path.join(root, 'flatpak', 'io.github.certkeeper.Certkeeper.json')
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'not ok - {path}: {e}')
        return 1
    if not isinstance(manifest, dict):
        print(f'not ok - {path}: not a JSON object')
        return 1

    problems = lint(manifest, root)
    for problem in problems:
        print(f'not ok - {os.path.relpath(path, root)}: {problem}')
    if not problems:
        print(f'ok - {os.path.relpath(path, root)} passes the lint')
    failed = len(problems)
    if '--self-test' in argv:
        failed += self_test(manifest, root)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
