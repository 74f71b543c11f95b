"""Serve a built site folder with a real web server on loopback (tests, bench, check-deploy).

    from web_servers import serve
    with serve("nginx", site_dir) as base_url:        # Debian's stock configuration
        ...
    with serve("apache", site_dir, config="deploy") as base_url:   # our deploy/ files
        ...

Kinds: nginx, apache, caddy, python (``python3 -m http.server``). ``config="stock"`` is
what the package does out of the box; ``config="deploy"`` adds the project's shipped
configuration from ``deploy/``; ``directives``, lines of Apache configuration added to its
site (a host configured another way: ``AddEncoding x-gzip .gz``). Each server gets a free
port and its own temp folder for config, pid and logs; it runs in the foreground and is
stopped by its pid. Nothing system-wide (service, /var/log, /run) is touched.
"""

import contextlib
import ctypes
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from loopback_listener import LoopbackListener

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KINDS = ("nginx", "apache", "caddy", "python")
CONFIGS = ("stock", "deploy")
START_TIMEOUT = 15  # seconds; apache2 and caddy start in well under one here
INSTALL_HINT = ("`{binary}` not found: run `make test` (it installs Debian's {package} "
                "with the other system packages) or `apt-get install {package}`.")


class ServerFailed(RuntimeError):
    pass


def _binary(name, package):
    path = shutil.which(name) or (f"/usr/sbin/{name}" if os.path.exists(f"/usr/sbin/{name}") else None)
    if not path:
        raise ServerFailed(INSTALL_HINT.format(binary=name, package=package))
    return path


# Linux's prctl, looked up here: the forked child only calls it (no import after a fork).
_PRCTL = ctypes.CDLL(None, use_errno=True).prctl if sys.platform == "linux" else None
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    """In the server's process, before it runs: have Linux send it SIGTERM when the process that
    started it dies, even by SIGKILL (a killed test run or bench left nginx masters behind)."""
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readable_copy(site_dir, work):
    """A hard-linked copy of the site in a world-readable folder.

    Run as root, nginx and Apache serve files as an unprivileged user, who cannot enter
    a 0700 temp folder (pytest's, mkdtemp's). Hard links cost nothing and keep the bytes.
    """
    target = work / "site"
    work.chmod(0o755)
    try:
        shutil.copytree(site_dir, target, copy_function=os.link)
    except OSError:  # another file system
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(site_dir, target)
    # copytree keeps each folder's mode, and a temp site folder is 0700 itself. Folders
    # only: the files are hard links, their mode is the original's (0644 from MkDocs).
    for folder in [target, *(p for p in target.rglob("*") if p.is_dir())]:
        folder.chmod(0o755)
    return target


# --- nginx: the http{} block of Debian's /etc/nginx/nginx.conf and its default site --------

NGINX_CONF = """\
{user}
include /etc/nginx/modules-enabled/*.conf;
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 768; }}
http {{
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    gzip on;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html index.htm index.nginx-debian.html;
        server_name _;
{site_rules}
    }}
}}
"""
NGINX_STOCK_RULES = """\
        location / {
            try_files $uri $uri/ =404;
        }
"""


# Debian's libnginx-mod-http-brotli-static (SYSTEM_PACKAGES), loaded from modules-enabled/.
NGINX_BROTLI_MODULE = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so"


def _nginx(site_dir, port, work, config):
    binary = _binary("nginx", "nginx")
    root = site_dir
    user = ""
    if os.geteuid() == 0:
        user = "user www-data;"
        root = _readable_copy(site_dir, work)
    rules = NGINX_STOCK_RULES
    if config == "deploy":
        rules = f"        include {DEPLOY / 'nginx' / 'help-site.conf'};\n"
        if Path(NGINX_BROTLI_MODULE).exists():  # as deploy/nginx/help-site.conf says
            rules += f"        include {DEPLOY / 'nginx' / 'help-site-brotli.conf'};\n"
    if Path("/usr/lib/nginx/modules").is_dir():  # modules-enabled/ names them relative to the prefix (-p)
        (work / "modules").symlink_to("/usr/lib/nginx/modules")
    conf = work / "nginx.conf"
    conf.write_text(NGINX_CONF.format(user=user, work=work, port=port, root=root, site_rules=rules))
    return [binary, "-c", str(conf), "-p", str(work), "-e", str(work / "error.log")], {}, work / "error.log"


# --- Apache: Debian's enabled modules and confs, our own pid/log/run folder ----------------

APACHE_CONF = """\
ServerRoot /etc/apache2
DefaultRuntimeDir {work}
PidFile {work}/apache2.pid
Mutex file:{work} default
Timeout 300
KeepAlive On
MaxKeepAliveRequests 100
KeepAliveTimeout 5
{user}
HostnameLookups Off
ErrorLog {work}/error.log
LogLevel warn
IncludeOptional mods-enabled/*.load
IncludeOptional mods-enabled/*.conf
{extra_modules}
Listen 127.0.0.1:{port}
ServerName 127.0.0.1
<Directory />
    Options FollowSymLinks
    AllowOverride None
    Require all denied
</Directory>
<Directory {root}>
    Options Indexes FollowSymLinks
    AllowOverride {allow_override}
    Require all granted
</Directory>
AccessFileName .htaccess
<FilesMatch "^\\.ht">
    Require all denied
</FilesMatch>
LogFormat "%h %l %u %t \\"%r\\" %>s %O \\"%{{Referer}}i\\" \\"%{{User-Agent}}i\\"" combined
IncludeOptional conf-enabled/*.conf
<VirtualHost 127.0.0.1:{port}>
    DocumentRoot {root}
{directives}
    ErrorLog {work}/error.log
    CustomLog {work}/access.log combined
</VirtualHost>
"""


def _apache(site_dir, port, work, config, directives=""):
    binary = _binary("apache2", "apache2")
    env = {
        # What /etc/apache2/envvars sets; the stock confs refer to these.
        "APACHE_RUN_USER": "www-data", "APACHE_RUN_GROUP": "www-data",
        "APACHE_PID_FILE": str(work / "apache2.pid"), "APACHE_RUN_DIR": str(work),
        "APACHE_LOCK_DIR": str(work), "APACHE_LOG_DIR": str(work), "LANG": "C",
    }
    user = ""
    root = site_dir
    if os.geteuid() == 0:
        # Apache refuses to serve as root; it drops to www-data, who needs a readable copy.
        user = "User www-data\nGroup www-data"
        root = _readable_copy(site_dir, work)
    else:
        pw = pwd.getpwuid(os.geteuid())
        env.update(APACHE_RUN_USER=pw.pw_name, APACHE_RUN_GROUP=str(pw.pw_gid))
    allow_override = "None"
    extra_modules = ""
    if config == "deploy":
        # deploy/apache/.htaccess asks for `a2enmod headers` (its caching part).
        if not Path("/etc/apache2/mods-enabled/headers.load").exists():
            extra_modules = "LoadModule headers_module /usr/lib/apache2/modules/mod_headers.so"
        if root == site_dir:
            root = _readable_copy(site_dir, work)
        shutil.copyfile(DEPLOY / "apache" / ".htaccess", Path(root) / ".htaccess")
        allow_override = "All"
    conf = work / "apache2.conf"
    conf.write_text(APACHE_CONF.format(work=work, port=port, root=root, user=user,
                                       allow_override=allow_override, extra_modules=extra_modules,
                                       directives=directives))
    return [binary, "-f", str(conf), "-DFOREGROUND"], env, work / "error.log"


# --- Caddy: `caddy file-server` as documented; the deploy Caddyfile via `caddy run` --------

def _caddy(site_dir, port, work, config):
    binary = _binary("caddy", "caddy")
    # Caddy keeps certificates and autosaved config under XDG folders: keep them in work.
    env = {"XDG_DATA_HOME": str(work / "data"), "XDG_CONFIG_HOME": str(work / "config"),
           "HOME": str(work)}
    if config == "stock":
        return [binary, "file-server", "--root", str(site_dir), "--listen", f"127.0.0.1:{port}"], env, None
    caddyfile = work / "Caddyfile"
    caddyfile.write_text("{\n    admin off\n    auto_https off\n}\n"
                         f"import {DEPLOY / 'caddy' / 'Caddyfile'}\n")
    env.update(SITE_ADDRESS=f"http://127.0.0.1:{port}", SITE_ROOT=str(site_dir))
    return [binary, "run", "--config", str(caddyfile), "--adapter", "caddyfile"], env, None


def _python(site_dir, port, work, config):
    if config != "stock":
        raise ValueError("Python's http.server has no deploy configuration; use config='stock'")
    return [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
            str(site_dir), str(port)], {}, None


STARTERS = {"nginx": _nginx, "apache": _apache, "caddy": _caddy, "python": _python}


def _wait_until_serving(process, base_url, output, log):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            urllib.request.urlopen(base_url, timeout=2).close()
            return
        except urllib.error.HTTPError:
            return  # it answers: a 403/404 at the root is the site's business, not ours
        except OSError:
            time.sleep(0.05)
    text = output.read_text(errors="replace") if output.exists() else ""
    if log and log.exists():
        text += log.read_text(errors="replace")
    raise ServerFailed(f"{process.args[0]} did not start serving {base_url}:\n{text}")


@contextlib.contextmanager
def serve(kind, site_dir, config="stock", directives=None):
    """Serve ``site_dir`` with a real ``kind`` server; yields ``http://127.0.0.1:PORT/``."""
    if directives and kind != "apache":
        raise ValueError("directives: Apache only")
    if kind not in STARTERS:
        raise ValueError(f"unknown server kind {kind!r}; one of {', '.join(KINDS)}")
    if config not in CONFIGS:
        raise ValueError(f"unknown config {config!r}; one of {', '.join(CONFIGS)}")
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise ServerFailed(f"{site_dir} has no index.html: build the site first")
    work = Path(tempfile.mkdtemp(prefix=f"web-{kind}-"))
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    process = None
    try:
        extra = {"directives": "\n".join(directives)} if directives else {}
        command, env, log = STARTERS[kind](site_dir, port, work, config, **extra)
        output = work / "output.log"
        with open(output, "wb") as out:
            process = subprocess.Popen(command, env=dict(os.environ, **env), stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       cwd=work, start_new_session=True,
                                       preexec_fn=_die_with_parent if _PRCTL else None)
        _wait_until_serving(process, base_url, output, log)
        yield base_url
    finally:
        if process is not None and process.poll() is None:
            # The master's pid: nginx and Apache stop their workers themselves.
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(work, ignore_errors=True)


def serve_fixture(kind, config="stock"):
    """For conftest: ``pytest.fixture`` body that serves the session's built site."""
    def fixture(site):
        with serve(kind, site.dir, config) as base_url:
            yield base_url
    return fixture


# --- a TCP forwarder in front of a server ---------------------------------------

class TcpForwarder(LoopbackListener):
    """A plain TCP relay on its own loopback port, as `docker -p` or an L4 load balancer
    is: the server behind it sees its own port, the reader only knows this one."""

    def __init__(self, target_port):
        self.target_port = target_port  # before the listener starts accepting
        super().__init__()

    def handle(self, client):
        upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=30)
        self.held += [client, upstream]
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass


if __name__ == "__main__":
    # python tools/web_servers.py nginx site/ [deploy]: serve until Ctrl-C.
    kind, directory, *rest = sys.argv[1:]
    with serve(kind, directory, *(rest or ["stock"])) as url:
        print(f"{kind} serving {directory} at {url} (Ctrl-C stops)", flush=True)
        try:
            signal.pause()
        except KeyboardInterrupt:
            pass
