"""The loader's file handling (issue 12): nothing blocks, nothing huge is read, every refusal is
one located line; standard input with ``-``; one account per directory."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from core.load import snapshot as loader
from core.load.samples import sample_path
from core.load.snapshot import MAX_BYTES_ENV, load_account, max_snapshot_bytes
from core.model.errors import LoadError

CLASSIC = sample_path("classic-story")


def test_fifo_without_a_writer_does_not_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "FIFO_WAIT_SECONDS", 0.2)
    fifo = tmp_path / "snapshot.json"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="a named pipe with no writer") as info:
        load_account(fifo)  # a blocking open() would hang here
    assert info.value.file == str(fifo)


@pytest.mark.parametrize("writer_delay", [0.0, 0.3])
def test_fifo_with_a_writer_is_read(tmp_path: Path, writer_delay: float) -> None:
    """The writer may open the pipe before or after the reader (a late writer is waited for)."""
    fifo = tmp_path / "snapshot.json"
    os.mkfifo(fifo)
    pid = os.fork()
    if pid == 0:  # child: the writer, as `mkfifo p; aws iam ... > p &`
        try:
            time.sleep(writer_delay)
            # Non-blocking open fails (ENXIO) while no reader has the pipe open: retry for a
            # while, and never block, so the test cannot hang whatever the reader does.
            deadline = time.monotonic() + 10
            while True:
                try:
                    fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        os._exit(1)
                    time.sleep(0.01)
            os.set_blocking(fd, True)
            with os.fdopen(fd, "wb") as fh:
                fh.write(CLASSIC.read_bytes())
        finally:
            os._exit(0)
    try:
        account = load_account(fifo)
    finally:
        _reap(pid)
    assert [u.name for u in account.users] == ["test-user"]


def _reap(pid: int, timeout: float = 10.0) -> None:
    """Wait for the writer child, killing it if it is still there after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.01)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null", "/dev/urandom"])
def test_devices_are_refused(device: str) -> None:
    with pytest.raises(LoadError, match="is a character device, not a snapshot file"):
        load_account(device)


def test_huge_file_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(max_snapshot_bytes() + 1)  # sparse: nothing is written
    with pytest.raises(LoadError) as info:
        load_account(big)
    message = str(info.value)
    assert message.startswith(f"{big}: too large (512.0 MiB, over the 512.0 MiB snapshot limit")
    assert MAX_BYTES_ENV in message


def test_size_limit_is_overridable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_BYTES_ENV, "0.001")
    with pytest.raises(LoadError, match=r"over the 1,048 bytes snapshot limit"):
        load_account(CLASSIC)
    monkeypatch.setenv(MAX_BYTES_ENV, "1")
    assert len(load_account(CLASSIC).users) == 1
    monkeypatch.setenv(MAX_BYTES_ENV, "lots")
    with pytest.raises(LoadError, match="is not a number of MiB"):
        load_account(CLASSIC)


def test_symlink_loop_says_so(tmp_path: Path) -> None:
    (tmp_path / "a.json").symlink_to(tmp_path / "b.json")
    (tmp_path / "b.json").symlink_to(tmp_path / "a.json")
    with pytest.raises(LoadError, match="symbolic link loop") as info:
        load_account(tmp_path / "a.json")
    assert info.value.file == str(tmp_path / "a.json")


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CLASSIC.read_bytes())))
    account = load_account("-")
    assert account.source == "<stdin>" and len(account.users) == 1
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(LoadError, match="<stdin>: empty"):
        load_account("-")


def test_standard_input_over_the_limit_stops_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MAX_BYTES_ENV, "0.01")
    endless = io.BytesIO(b" " * (1 << 20))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(endless))
    with pytest.raises(LoadError, match="<stdin>: too large"):
        load_account("-")
    assert endless.tell() <= 0.01 * (1 << 20) + 1  # read no further than the limit


def _account_file(folder: Path, name: str, account: str) -> None:
    data = json.loads(CLASSIC.read_text())
    text = json.dumps(data).replace("111122223333", account)
    (folder / name).write_text(text)


def test_directory_of_several_accounts_is_refused(tmp_path: Path) -> None:
    _account_file(tmp_path, "prod.json", "111122223333")
    _account_file(tmp_path, "dev.json", "444455556666")
    _account_file(tmp_path, "dev-2.json", "444455556666")
    with pytest.raises(LoadError) as info:
        load_account(tmp_path)
    assert str(info.value) == (
        f"{tmp_path}: holds snapshots of 2 accounts: 111122223333 (prod.json); "
        "444455556666 (dev-2.json, dev.json); load one account at a time "
        "(multi-account analysis is not supported yet)"
    )


def test_directory_of_one_account_still_merges(tmp_path: Path) -> None:
    data = json.loads(CLASSIC.read_text())
    (tmp_path / "users.json").write_text(json.dumps({"UserDetailList": data["UserDetailList"]}))
    rest = {k: v for k, v in data.items() if k != "UserDetailList"}
    (tmp_path / "rest.json").write_text(json.dumps(rest))
    account = load_account(tmp_path)
    assert len(account.users) == 1 and len(account.roles) == 1
