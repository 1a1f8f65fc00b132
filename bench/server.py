"""The LMS under test: gunicorn serving the app, the CPU and memory it uses, `manage.py` calls.

Nothing here talks to anything but 127.0.0.1.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent


def proc_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process from /proc/<pid>/stat, or None if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RssSampler(threading.Thread):
    """Samples the summed RSS and PSS of a process tree (gunicorn master + workers) from /proc.

    RSS counts shared pages once per process (the usual "max RSS" figure, an upper bound);
    PSS splits shared pages between the processes that map them, so its sum is the real
    footprint. VmHWM gives each process's own peak even between samples.
    """

    def __init__(self, root_pid: int, interval: float = 0.25):
        super().__init__(daemon=True)
        self.root_pid = root_pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.hwm: dict[int, int] = {}
        # The 1-minute load average per phase: on a shared 2-core machine the figures only mean
        # something next to how many other runnable processes competed for the cores.
        self.phase = "start"
        self.load: dict[str, list[float]] = {}
        self._stop_event = threading.Event()

    def tree(self) -> list[int]:
        pids, todo = [], [self.root_pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(c) for c in children)
        return pids

    @staticmethod
    def _kib(path: str, field: str) -> int:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def sample(self) -> None:
        rss = pss = 0
        pids = self.tree()
        for pid in pids:
            rss += self._kib(f"/proc/{pid}/status", "VmRSS:")
            pss += self._kib(f"/proc/{pid}/smaps_rollup", "Pss:")
            hwm = self._kib(f"/proc/{pid}/status", "VmHWM:")
            self.hwm[pid] = max(self.hwm.get(pid, 0), hwm)
        self.peak_rss = max(self.peak_rss, rss)
        self.peak_pss = max(self.peak_pss, pss)
        self.peak_procs = max(self.peak_procs, len(pids))
        try:
            self.load.setdefault(self.phase, []).append(float(Path("/proc/loadavg").read_text().split()[0]))
        except OSError:
            pass

    def run(self) -> None:
        while not self._stop_event.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        self._stop_event.set()
        self.join()
        self.sample()

    def memory(self) -> dict:
        return {
            "peak_rss_total_mib": self.peak_rss / 1024,
            "peak_pss_total_mib": self.peak_pss / 1024,
            "max_process_hwm_mib": max(self.hwm.values(), default=0) / 1024,
            "processes": self.peak_procs,
        }

    def load_average(self) -> dict:
        return {phase: sum(v) / len(v) for phase, v in self.load.items() if v}


class Server:
    """gunicorn serving the app directory, with its RSS sampled for its whole life."""

    def __init__(self, *, python: str, app_dir: Path, env: dict, workers: int, worker_class: str, threads: int):
        self.python, self.app_dir, self.env = python, app_dir, env
        self.workers, self.worker_class, self.threads = workers, worker_class, threads
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.sampler: RssSampler | None = None

    def manage(self, *argv: str, check: bool = True) -> str:
        proc = subprocess.run(
            [self.python, "manage.py", *argv], cwd=self.app_dir, env=self.env, capture_output=True, text=True
        )
        if proc.returncode and check:
            sys.exit(f"manage.py {' '.join(argv)} failed:\n{proc.stdout}\n{proc.stderr}")
        return proc.stdout if not proc.returncode else ""

    def start(self) -> None:
        (BENCH_DIR / "out").mkdir(exist_ok=True)
        self.log = open(BENCH_DIR / "out" / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop
        self.process = subprocess.Popen(
            [
                self.python,
                "-m",
                "gunicorn",
                "lms.wsgi",
                "--chdir",
                str(self.app_dir),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--worker-class",
                self.worker_class,
                "--threads",
                str(self.threads),
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit("gunicorn exited; see bench/out/gunicorn.log")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        self.sampler = RssSampler(self.process.pid)
        self.sampler.start()

    def stop(self) -> None:
        if self.sampler:
            self.sampler.stop()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self.log.close()
