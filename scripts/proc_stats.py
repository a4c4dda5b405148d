"""What /proc says about a process, for the benchmarks: CPU time and resident memory."""

import os
from pathlib import Path


def cpu_seconds(pid):
    """utime + stime, in seconds (counted in ticks of 1/SC_CLK_TCK)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_mib(pid):
    """(current RSS, peak RSS) in MiB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024
