"""Tests of deploy/cluster.py's configuration and of make load's results file handling."""

import pytest

from benchmarks.load import END, START, keep_section, percentile, write_section
from deploy.cluster import NGINX_SITE, site_config


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
