"""prefect-git's python loader helper (shipped with the npm package, run by prefect-git).

It loads flow files the way Prefect 1.x's ``prefect register --path`` does, inside the user's own
interpreter, and hands back each flow exactly as ``prefect register`` would send it:

1. for each file, ``runpy.run_path(abs_path, run_name="<flow>")`` with the file's folder first on
   ``sys.path`` and ``prefect.context(loading_flow=True, local_script_path=abs_path)`` (so
   ``flow.register()`` and ``flow.run()`` inside the file do nothing); every ``prefect.Flow`` in
   the resulting namespace counts, in namespace insertion order (imported flows included);
2. ``prepare_flows``: the storage becomes ``prefect.storage.Git(flow_path=<file>,
   flow_name=flow.name, **storage_args)`` (Prefect's own class, so its defaults apply), then
   ``flow.result`` defaults to the storage's, ``run_config`` defaults to ``UniversalRun()``, the
   ``--label`` values and the storage's labels are added, ``storage.add_flow(flow)``; then
   ``storage.build()`` (for Git: health-check warnings only). The file's own storage is replaced;
3. ``flow.serialize(build=False)``, dumped with ``json.dumps(d, sort_keys=True)``: the exact text
   the idempotency key is the SHA-256 of.

Protocol. stdin: one JSON line (the request), then nothing until prefect-git closes stdin (EOF
means prefect-git is gone: the helper exits). stdout: one JSON object per line, ASCII only:

  {"event": "hello", "protocol": 1, "python": "3.11.2", "executable": ..., "prefect": "1.4.1", ...}
  {"event": "fatal", "kind": "no-prefect" | "prefect-version" | "prefect-broken" | ..., "message": ...}
  {"event": "file", "file": "flows/a.py"}                 before a file runs (progress, timeouts)
  {"event": "flow", "file": ..., "name": ..., "line": 12 | null, "sort_keys_text": "..."}
  {"event": "error", "file": ..., "stage": ..., "type": ..., "message": ..., "line": ..., ...}
  {"event": "done"}

User code cannot corrupt that channel: the original stdout is kept on a private descriptor and
fd 1 (``print``, C extensions, child processes) is pointed at stderr before anything is imported.

``--probe`` stops after the hello (or fatal) event. Python 3.7+ (Prefect 1.4.1's own minimum).
"""
import ast
import io
import json
import os
import platform
import runpy
import sys
import threading
import traceback

PROTOCOL = 1


class Channel(object):
    """The protocol stream: the process's original stdout, one JSON event per line."""

    def __init__(self):
        sys.stdout.flush()
        fd = os.dup(1)
        os.dup2(2, 1)  # from now on anything written to fd 1 lands on stderr
        self._out = io.open(fd, "w", encoding="ascii", newline="\n")
        self._lock = threading.Lock()
        try:
            sys.stdout.reconfigure(line_buffering=True)  # user prints show up in order
        except (AttributeError, ValueError):
            pass

    def emit(self, **event):
        line = json.dumps(event)  # ensure_ascii: the channel stays pure ASCII
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()


def watch_parent(control_fd, state):
    """Exit as soon as prefect-git closes our stdin (it finished, or it died)."""
    try:
        while os.read(control_fd, 4096):
            pass
    except OSError:
        pass
    if not state.get("done"):
        os._exit(70)


def import_prefect(channel):
    """Imports the Prefect 1.x API the helper uses, or emits a fatal event and returns None."""
    if sys.version_info < (3, 7):
        channel.emit(event="fatal", kind="python-version", message=platform.python_version())
        return None
    try:
        import prefect
    except ImportError as exc:
        missing = getattr(exc, "name", None) == "prefect"
        channel.emit(event="fatal", kind="no-prefect" if missing else "prefect-broken",
                     message=describe(exc))
        return None
    version = str(getattr(prefect, "__version__", ""))
    if not version.split(".")[0] == "1":
        channel.emit(event="fatal", kind="prefect-version", version=version,
                     prefect_file=getattr(prefect, "__file__", None))
        return None
    try:
        from prefect.run_configs import UniversalRun
        from prefect.storage import Git
    except ImportError as exc:
        channel.emit(event="fatal", kind="prefect-broken", message=describe(exc))
        return None
    return prefect, Git, UniversalRun


def describe(exc):
    text = str(exc)
    return type(exc).__name__ + (": " + text if text else "")


def binding_lines(abs_path):
    """Module-level name -> line of its last ``x = ...`` / ``with ... as x`` binding (cheap: one
    ast parse). Names bound by imports map to None: those flows are defined elsewhere."""
    try:
        with open(abs_path, "rb") as handle:
            tree = ast.parse(handle.read(), abs_path)
    except Exception:
        return {}
    lines = {}

    def names(target):
        if isinstance(target, ast.Name):
            return [target.id]
        if isinstance(target, (ast.Tuple, ast.List)):
            return [n for elt in target.elts for n in names(elt)]
        return []

    def visit(body):
        for node in body:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    for name in names(target):
                        lines[name] = node.lineno
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                for name in names(node.target):
                    lines[name] = node.lineno
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    for name in names(item.optional_vars) if item.optional_vars else []:
                        lines[name] = node.lineno
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    lines[(alias.asname or alias.name).split(".")[0]] = None
            # Function and class bodies do not bind module names; blocks do.
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                for field in ("body", "orelse", "finalbody"):
                    visit(getattr(node, field, None) or [])
                for handler in getattr(node, "handlers", None) or []:
                    visit(handler.body)

    visit(tree.body)
    return lines


def error_event(rel, abs_path, exc, stage, debug, flow=None):
    """The error event for an exception: type, message, and where in the user's file it was."""
    target = os.path.normcase(os.path.abspath(abs_path))
    line, column = 0, 0
    if isinstance(exc, SyntaxError) and exc.filename and \
            os.path.normcase(os.path.abspath(exc.filename)) == target:
        line, column = exc.lineno or 0, exc.offset or 0
    else:
        # The deepest frame in the user's file: the line that raised, or that called what raised.
        for frame in traceback.extract_tb(exc.__traceback__):
            if os.path.normcase(os.path.abspath(frame.filename)) == target:
                line = frame.lineno or 0
                colno = getattr(frame, "colno", None)  # Python 3.11+
                column = colno + 1 if colno is not None else 0
    event = dict(event="error", file=rel, stage=stage, type=type(exc).__name__,
                 message=str(exc), line=line, column=column)
    if flow is not None:
        event["flow"] = flow
    if isinstance(exc, ModuleNotFoundError) and exc.name:
        event["module"] = exc.name
    if debug:
        event["traceback"] = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return event


def load_file(api, channel, request, rel):
    """Loads one file and emits its flows (or its error); never raises for user errors."""
    prefect, Git, UniversalRun = api
    debug = bool(request.get("debug"))
    abs_path = os.path.abspath(os.path.join(request["root"], *rel.split("/")))
    channel.emit(event="file", file=rel)

    # load_flows_from_script
    orig_sys_path = sys.path[:]
    sys.path.insert(0, os.path.dirname(abs_path))
    try:
        with prefect.context({"loading_flow": True, "local_script_path": abs_path}):
            namespace = runpy.run_path(abs_path, run_name="<flow>")
    except (Exception, SystemExit) as exc:  # sys.exit() in a file must not end the other files
        channel.emit(**error_event(rel, abs_path, exc, "load", debug))
        return
    finally:
        sys.path[:] = orig_sys_path

    lines = None
    names = request.get("names")
    flows, seen = [], set()
    for key, value in list(namespace.items()):
        if not isinstance(value, prefect.Flow):
            continue
        if names is not None and value.name not in names:
            continue
        if lines is None:
            lines = binding_lines(abs_path)
        if id(value) in seen:
            # prefect register lists the object twice and its add_flow then fails on the name.
            channel.emit(event="error", file=rel, stage="prepare", type="ValueError", flow=value.name,
                         message='Name conflict: Flow with the name "%s" is already present in '
                                 'this storage.' % value.name, line=lines.get(key) or 0, column=0,
                         duplicate_of_variable=key)
            continue
        seen.add(id(value))
        flows.append((value, lines.get(key)))

    # prepare_flows, with Git storage in place of what the file set (prefect-git builds it)
    prepared = []
    for flow, line in flows:
        try:
            flow.storage = Git(flow_path=rel, flow_name=flow.name, **request["storage"])
            if not flow.result:
                flow.result = flow.storage.result
            if flow.run_config is None:
                flow.run_config = UniversalRun()
            flow.run_config.labels.update(request["labels"])
            flow.run_config.labels.update(flow.storage.labels)  # Git has no default labels
            flow.storage.add_flow(flow)
            flow.storage.build()
        except Exception as exc:
            channel.emit(**error_event(rel, abs_path, exc, "prepare", debug, flow=flow.name))
            continue
        prepared.append((flow, line))

    for flow, line in prepared:
        try:
            text = json.dumps(flow.serialize(build=False), sort_keys=True)
        except Exception as exc:
            channel.emit(**error_event(rel, abs_path, exc, "serialize", debug, flow=flow.name))
            continue
        channel.emit(event="flow", file=rel, name=flow.name, line=line, sort_keys_text=text)


def main(argv):
    channel = Channel()
    # Keep our control stream (stdin) away from user code and its child processes.
    control_fd = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdin = io.open(devnull, "r")
    sys.dont_write_bytecode = True  # loading must not leave __pycache__ in the user's repository
    # Like the `prefect` console script, flow files should not see the helper's own folder.
    if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
        del sys.path[0]

    api = import_prefect(channel)
    if api is None:
        return 3
    prefect = api[0]
    channel.emit(event="hello", protocol=PROTOCOL, python=platform.python_version(),
                 executable=sys.executable, prefect=str(prefect.__version__),
                 prefect_file=getattr(prefect, "__file__", None))
    if "--probe" in argv:
        return 0

    raw = b""
    while b"\n" not in raw:
        chunk = os.read(control_fd, 65536)  # nothing follows the request line but EOF
        if not chunk:
            break
        raw += chunk
    try:
        request = json.loads(raw.split(b"\n")[0].decode("utf-8"))
        if request.get("protocol") != PROTOCOL:
            raise ValueError("protocol %r, expected %r" % (request.get("protocol"), PROTOCOL))
    except ValueError as exc:
        channel.emit(event="fatal", kind="request", message=describe(exc))
        return 4
    state = {"done": False}
    watcher = threading.Thread(target=watch_parent, args=(control_fd, state))
    watcher.daemon = True
    watcher.start()

    for rel in request["files"]:
        load_file(api, channel, request, rel)
    state["done"] = True
    channel.emit(event="done")
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    sys.stdout.flush()
    sys.stderr.flush()
    # os._exit: threads a flow file started at import time must not keep the helper alive.
    os._exit(code)
