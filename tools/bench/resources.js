// CPU seconds and peak RSS of processes over one scenario, from /proc (Linux only).
'use strict';
const fs = require('node:fs');

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux architecture in use.
const TICKS_PER_SECOND = 100;

/** utime + stime of a process, in seconds. Fields are counted after the ")" ending comm. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** VmHWM, the peak resident set size, in MB. */
function peakRssMb(pid) {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : undefined;
}

/**
 * Resets the peak to the current RSS (clear_refs value 5, Linux 4.0+; needs ownership or root),
 * so that a scenario's peak is its own. Returns false where that is not allowed: the peak is
 * then the process's lifetime peak, which the report says.
 */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Measures a set of named processes ({ name: pid }) from start() to stop(). */
class ResourceMeter {
  constructor(pids) {
    this.pids = pids;
  }

  start() {
    this.startCpu = {};
    this.peakIsLifetime = false;
    for (const [name, pid] of Object.entries(this.pids)) {
      this.startCpu[name] = cpuSeconds(pid);
      if (!resetPeak(pid)) this.peakIsLifetime = true;
    }
  }

  /** { cpu_s: { name: seconds }, rss_mb: { name: MB } } since start(). */
  stop() {
    const cpu_s = {};
    const rss_mb = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      cpu_s[name] = Math.round((cpuSeconds(pid) - this.startCpu[name]) * 100) / 100;
      rss_mb[name] = peakRssMb(pid);
    }
    return { cpu_s, rss_mb, peak_rss_is_lifetime: this.peakIsLifetime };
  }
}

module.exports = { ResourceMeter };
