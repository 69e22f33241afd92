"""Tests of deploy/ (the nginx site, the systemd unit) and of make load's results file handling."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from atlas.paths import ROOT
from benchmarks.load import END, START, keep_section, percentile, write_section
from deploy.cluster import BASE_PATH, NGINX_SITE, SERVER_ENV, site_config


def test_the_cluster_config_is_the_shipped_file_with_its_own_upstreams_and_port():
    """Test that only the upstream list and the listen line change, on loopback."""
    shipped = NGINX_SITE.read_text(encoding="utf-8")
    text = site_config([9001, 9002, 9003], 9100)
    assert "listen 127.0.0.1:9100;" in text and "listen 80;" not in text
    servers = [line.strip() for line in text.splitlines() if line.strip().startswith("server 127")]
    assert servers == [f"server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;"
                       for p in (9001, 9002, 9003)]
    for kept in ("hash $atlas_affinity consistent;", "proxy_set_header Upgrade $http_upgrade;",
                 "client_max_body_size 50m;", "location /atlas/ {"):
        assert kept in shipped and kept in text


def test_a_site_without_an_upstream_line_is_refused():
    """Test that a configuration the cluster cannot adapt says so instead of serving nothing."""
    with pytest.raises(ValueError, match="upstream"):
        site_config([9001], 9100, site="server { listen 80; }")


def test_make_load_writes_its_section_and_keeps_make_bench_s(tmp_path):
    """Test that the load section is added, then replaced, and the bench text around it stays."""
    results = tmp_path / "results.md"
    results.write_text("# Scale benchmark\n\nbench numbers\n", encoding="utf-8")
    write_section(results, f"{START}\nfirst\n{END}\n")
    write_section(results, f"{START}\nsecond\n{END}\n")
    text = results.read_text(encoding="utf-8")
    assert text.startswith("# Scale benchmark\n\nbench numbers\n")
    assert "second" in text and "first" not in text and text.count(START) == 1


def test_make_bench_keeps_the_load_section(tmp_path):
    """Test that a new bench text gets the file's load section appended, and none if absent."""
    results = tmp_path / "results.md"
    assert keep_section(results, "new bench\n") == "new bench\n"
    results.write_text(f"old bench\n\n{START}\nload\n{END}\n", encoding="utf-8")
    assert keep_section(results, "new bench\n") == f"new bench\n\n{START}\nload\n{END}\n"


@pytest.mark.parametrize(("share", "expected"), [(0.5, 5), (0.95, 10), (0.0, 1), (1.0, 10)])
def test_percentiles_are_nearest_rank(share, expected):
    """Test the nearest-rank percentile of 1..10."""
    assert percentile(list(range(10, 0, -1)), share) == expected


UNIT = ROOT / "deploy" / "fitna-atlas@.service"


def _unit_settings(text: str) -> dict[str, list[str]]:
    """A systemd unit's ``Key=value`` lines, every value of a key in order (comments left out)."""
    settings: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            settings.setdefault(key.strip(), []).append(value.strip())
    return settings


def test_the_systemd_unit_runs_the_app_as_the_cluster_does_and_the_readme_says():
    """Test that the unit's command, user, environment and hardening agree with deploy/ and the docs."""
    text = UNIT.read_text(encoding="utf-8")
    unit = _unit_settings(text)
    home = unit["WorkingDirectory"][0]
    command = unit["ExecStart"][0].split()
    assert command[:3] == [f"{home}/.venv/bin/streamlit", "run", "app.py"]
    options = dict(zip(command[3::2], command[4::2], strict=True))
    assert options == {"--server.port": "%i", "--server.address": "127.0.0.1",
                       "--server.baseUrlPath": BASE_PATH}
    # The same environment as every copy make serve-cluster and make run start.
    assert sorted(unit["Environment"]) == sorted(f"{k}={v}" for k, v in SERVER_ENV.items())
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    run = next(line for line in makefile.splitlines() if "streamlit run" in line)
    assert all(f"{k}={v}" in run for k, v in SERVER_ENV.items())
    # An unprivileged user, made as the unit's comment says, that cannot write the system.
    assert unit["User"] == unit["Group"] == ["atlas"]
    assert "useradd --system" in text and text.count(" atlas\n") >= 1
    for setting, value in (("NoNewPrivileges", "true"), ("ProtectSystem", "strict"),
                           ("ProtectHome", "true"), ("PrivateTmp", "true")):
        assert unit[setting] == [value]
    # The ports the comment enables are the upstreams of the shipped nginx site.
    ports = re.findall(r"fitna-atlas@(\d+)", text)
    upstreams = re.findall(r"server 127\.0\.0\.1:(\d+)", NGINX_SITE.read_text(encoding="utf-8"))
    assert ports and ports == upstreams
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/fitna-atlas@.service" in readme and "system user `atlas`" in readme


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_accepts_the_unit(tmp_path):
    """Test that ``systemd-analyze verify`` finds nothing to say about an instance of the unit.

    Only the path of the program differs: this checkout's streamlit instead of /srv/fitna-atlas's.
    """
    text = UNIT.read_text(encoding="utf-8")
    home = _unit_settings(text)["WorkingDirectory"][0]
    instance = tmp_path / "fitna-atlas@8501.service"
    instance.write_text(text.replace(f"{home}/.venv/bin/streamlit",
                                     str(Path(sys.executable).parent / "streamlit")), encoding="utf-8")
    result = subprocess.run(["systemd-analyze", "verify", str(instance)], capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0 and (result.stdout + result.stderr).strip() == ""


def _outcome(copies: int, cpu_s: float):
    from benchmarks.classroom import Timing
    from benchmarks.load import OPEN, Outcome

    timings = [Timing(OPEN, 1.0)] * 30 + [Timing("choose a faction", 2.0)] * 270
    return Outcome("scenario", "real data", 30, copies, timings, cpu_s, 100.0, 0, 0, 0, 0)


@pytest.mark.parametrize(("copies", "cpu_s", "said"), [
    (1, 150.0, "**3.0 cores**"), (1, 150.0, "3.0× what they can give"),
    (2, 150.0, "1.5× what they can give"), (2, 30.0, "30% of what they can give"),
])
def test_the_account_of_p95_comes_from_the_runs_numbers(copies, cpu_s, said):
    """Test that 30 students at a 5 s mean think and the run's CPU give the cores asked for."""
    from benchmarks.load import cpu_account

    # 30 students / 5 s = 6 runs a second; 150 s of CPU over 300 runs = 0.5 s a run: 3 cores.
    assert said in cpu_account(_outcome(copies, cpu_s), (2.0, 8.0), cores=2)


def test_the_upload_scenarios_zip_is_what_the_upload_form_takes(tmp_path):
    """Test that make load's package zip is stored uncompressed and unpacks with no problem."""
    import zipfile

    from atlas.upload import unpack_upload
    from benchmarks.uploads import package_zip

    archive = package_zip(tmp_path / "package.zip", 300)
    with zipfile.ZipFile(archive) as zipped:
        assert {info.compress_type for info in zipped.infolist()} == {zipfile.ZIP_STORED}
    folder, problems = unpack_upload([(archive.name, archive.read_bytes())])
    assert folder is not None and problems == []
    assert (folder / "events.csv").is_file() and (folder / "geo" / "routes.geojson").is_file()
