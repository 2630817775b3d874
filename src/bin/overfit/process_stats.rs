//! What Linux says about this process: its CPU time, this thread's, and its resident memory.

/// CPU time of the whole process (every thread, user + system) in seconds (Linux: /proc/self/stat
/// fields 14 and 15, in clock ticks of 1/100 s), or None.
pub(crate) fn process_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

/// CPU time of this thread in seconds (Linux: /proc/thread-self/schedstat), or None.
pub(crate) fn thread_cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns / 1e9)
}

/// Resident set size of this process in KiB (Linux: VmRSS in /proc/self/status), or None.
pub(crate) fn rss_kib() -> Option<u64> {
    status_kib("VmRSS:")
}

/// A KiB figure of /proc/self/status (Linux), e.g. "VmRSS:" now or "VmHWM:" the peak; or None.
pub(crate) fn status_kib(key: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
