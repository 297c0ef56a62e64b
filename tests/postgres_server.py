"""A throwaway PostgreSQL server for the test session, started from the machine's server binaries.

PostgreSQL refuses to run as root, so when the tests run as root the server runs as the
``postgres`` user, in a temporary directory that user owns, on a free port on 127.0.0.1.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path:
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in [os.environ.get("VRP_PG_BINDIR"), *installed]:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    raise PostgresUnavailable(
        "No PostgreSQL server binaries found (initdb). `make test` installs Debian's "
        "postgresql package when they are missing; set VRP_PG_BINDIR to use others."
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    bindir: Path
    datadir: Path
    port: int
    run_as: str | None

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    @classmethod
    def start(cls) -> PostgresServer:
        bindir = find_bindir()
        run_as = "postgres" if os.geteuid() == 0 else None
        datadir = Path(tempfile.mkdtemp(prefix="vrp-test-pg-"))
        if run_as:
            entry = pwd.getpwnam(run_as)
            os.chown(datadir, entry.pw_uid, entry.pw_gid)
        server = cls(bindir=bindir, datadir=datadir, port=free_port(), run_as=run_as)
        try:
            server._run(
                "initdb",
                "-D",
                str(datadir / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-instructions",
            )
            options = (
                f"-p {server.port} -k {datadir} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            )
            server._run(
                "pg_ctl",
                "-D",
                str(datadir / "data"),
                "-o",
                options,
                "-w",
                "-l",
                str(datadir / "server.log"),
                "start",
            )
        except subprocess.CalledProcessError as error:
            log = datadir / "server.log"
            detail = log.read_text() if log.exists() else ""
            shutil.rmtree(datadir, ignore_errors=True)
            raise PostgresUnavailable(
                f"could not start PostgreSQL: {error.stderr or error.stdout}\n{detail}"
            ) from error
        return server

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.datadir / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.datadir, ignore_errors=True)
